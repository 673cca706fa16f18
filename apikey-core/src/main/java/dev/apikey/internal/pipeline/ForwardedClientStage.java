package dev.apikey.internal.pipeline;

import dev.apikey.Decision;
import dev.apikey.Outcome;
import dev.apikey.internal.ClientAddresses;

/**
 * Refuses a request from a trusted proxy whose forwarded header names no client (400), before its key is looked
 * at and whether or not the address would be needed: such a request cannot be charged to anybody.
 */
final class ForwardedClientStage implements Stage {
    private final Responses responses;

    ForwardedClientStage(Responses responses) {
        this.responses = responses;
    }

    @Override
    public Decision check(Attempt a) {
        if (a.mayBeForwarded() && ClientAddresses.isUnresolved(a.client())) {
            return responses.of(Outcome.UNRESOLVED_CLIENT);
        }
        return CONTINUE;
    }
}
