package dev.apikey.internal.pipeline;

import dev.apikey.Decision;
import dev.apikey.Outcome;
import dev.apikey.internal.ClientAddresses;

/** Refuses a key that lists the networks it may be used from when the client is outside them (403). */
final class AllowlistStage implements Stage {
    private final Responses responses;

    AllowlistStage(Responses responses) {
        this.responses = responses;
    }

    @Override
    public Decision check(Attempt a) {
        if (!a.record.allowedCidrs().isEmpty() && !ClientAddresses.isWithin(a.record.allowedCidrs(), a.client())) {
            return responses.of(Outcome.ADDRESS_NOT_ALLOWED);
        }
        return CONTINUE;
    }
}
