package dev.apikey.internal.pipeline;

import dev.apikey.ApiKey;
import dev.apikey.Decision;
import dev.apikey.KeyFormat;
import dev.apikey.Outcome;
import dev.apikey.internal.LegacyKeys;

/**
 * Parses the credential with the {@link KeyFormat} (shape, alphabet, checksum) before anything is hashed or
 * looked up: a credential that is not a key of the format is a 401 {@code MALFORMED_KEY} (which counts as a failed
 * attempt), or a 400 if it has control characters. With the legacy path on, one that may be an imported legacy key
 * ({@link LegacyKeys#acceptable}) goes on to its lookup instead.
 */
final class ParseStage implements Stage {
    private final KeyFormat format;
    private final boolean legacyKeys;
    private final Responses responses;

    ParseStage(KeyFormat format, boolean legacyKeys, Responses responses) {
        this.format = format;
        this.legacyKeys = legacyKeys;
        this.responses = responses;
    }

    @Override
    public Decision check(Attempt a) {
        ApiKey key = format.tryParse(a.credential);
        if (key == null) {
            if (legacyKeys && LegacyKeys.acceptable(a.credential)) {
                a.legacy = true;
                return CONTINUE;
            }
            return responses.of(CredentialStage.hasControl(a.credential) ? Outcome.BAD_CREDENTIAL : Outcome.MALFORMED_KEY);
        }
        a.key = key;
        return CONTINUE;
    }
}
