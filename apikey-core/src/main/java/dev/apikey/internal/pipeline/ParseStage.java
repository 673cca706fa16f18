package dev.apikey.internal.pipeline;

import dev.apikey.ApiKey;
import dev.apikey.Decision;
import dev.apikey.KeyFormat;
import dev.apikey.Outcome;

/**
 * Parses the credential with the {@link KeyFormat} (shape, alphabet, checksum) before anything is hashed or
 * looked up: a credential that is not a key of the format is a 401 {@code MALFORMED_KEY} (which counts as a failed
 * attempt), or a 400 if it has control characters.
 */
final class ParseStage implements Stage {
    private final KeyFormat format;
    private final Responses responses;

    ParseStage(KeyFormat format, Responses responses) {
        this.format = format;
        this.responses = responses;
    }

    @Override
    public Decision check(Attempt a) {
        ApiKey key = format.tryParse(a.credential);
        if (key == null) {
            return responses.of(CredentialStage.hasControl(a.credential) ? Outcome.BAD_CREDENTIAL : Outcome.MALFORMED_KEY);
        }
        a.key = key;
        return CONTINUE;
    }
}
