package dev.apikey.internal.pipeline;

import dev.apikey.Decision;

/**
 * Refuses a key without the scopes the request needs (403 naming them). The request was counted against the key's
 * limits already, so the answer carries its rate-limit state.
 */
final class ScopeStage implements Stage {
    private final Responses responses;

    ScopeStage(Responses responses) {
        this.responses = responses;
    }

    @Override
    public Decision check(Attempt a) {
        if (!a.request().requirement().isSatisfiedBy(a.record.scopes())) {
            return responses.insufficientScope(a.request().requirement(), a.policy, a.rateLimit);
        }
        return CONTINUE;
    }
}
