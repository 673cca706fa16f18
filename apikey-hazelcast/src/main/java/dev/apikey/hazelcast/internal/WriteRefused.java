package dev.apikey.hazelcast.internal;

/**
 * Finds a member's {@link WriteRefusedException} in what a caller receives: the exception itself on the member
 * that ran the processor, or a wrapper (a client names the member's exception class in its own).
 */
final class WriteRefused {
    private WriteRefused() {
    }

    static boolean in(Throwable e) {
        return find(e) != null;
    }

    static String message(Throwable e) {
        Throwable t = find(e);
        return t == null ? "refused" : t.getMessage();
    }

    private static Throwable find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof WriteRefusedException) {
                return t;
            }
        }
        // A client receives the member's exception as another class that names it in its message.
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getCause() == null && t.getMessage() != null
                    && t.getMessage().contains(WriteRefusedException.class.getName())) {
                return t;
            }
        }
        return null;
    }
}
