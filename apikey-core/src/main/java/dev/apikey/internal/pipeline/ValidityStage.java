package dev.apikey.internal.pipeline;

import dev.apikey.Decision;
import dev.apikey.Environment;
import dev.apikey.Outcome;

import java.util.Set;

/**
 * Refuses a stored key that may not be used now: revoked, suspended, expired, not yet valid, or of an environment
 * this deployment does not accept. Each has its own outcome (for the audit) and the same 401 as an unknown key.
 */
final class ValidityStage implements Stage {
    private final Set<Environment> environments;
    private final Responses responses;

    ValidityStage(Set<Environment> environments, Responses responses) {
        this.environments = Set.copyOf(environments);
        this.responses = responses;
    }

    @Override
    public Decision check(Attempt a) {
        Outcome refused = switch (a.record.usabilityAt(a.now())) {
            case REVOKED -> Outcome.REVOKED_KEY;
            case SUSPENDED -> Outcome.SUSPENDED_KEY;
            case EXPIRED -> Outcome.EXPIRED_KEY;
            case NOT_YET_VALID -> Outcome.NOT_YET_VALID_KEY;
            case USABLE -> environments.contains(a.record.environment()) ? null : Outcome.WRONG_ENVIRONMENT;
        };
        return refused == null ? CONTINUE : responses.of(refused);
    }
}
