package dev.apikey.leak;

/** What {@link LeakReports} does to a live key that was reported found. */
public enum LeakAction {
    /** Revoke it for good (the default): whoever found it can use it until then. */
    REVOKE,
    /** Suspend it, so that an operator can look before deciding; {@code apikey resume} undoes it. */
    SUSPEND,
    /** Change nothing; the report is audited and its owner told through the lifecycle events. */
    NOTIFY
}
