package dev.apikey.internal.pipeline;

import dev.apikey.Decision;
import dev.apikey.Outcome;
import dev.apikey.VerifierConfig;

import java.util.List;

/**
 * Finds the one credential of a request: in the key header, as {@code Authorization: Bearer} (or {@code ApiKey}),
 * and in the query parameter if configured. No credential is a 401; two different ones, more than
 * {@value VerifierConfig#MAX_CREDENTIAL_VALUES} values, or one longer than
 * {@value VerifierConfig#MAX_CREDENTIAL_LENGTH} chars are a 400.
 * The same credential sent twice counts once.
 */
final class CredentialStage implements Stage {
    private final Responses responses;
    private final String headerName;
    private final String queryParameter;

    CredentialStage(VerifierConfig config, Responses responses) {
        this.responses = responses;
        this.headerName = config.headerName();
        this.queryParameter = config.queryParameter();
    }

    @Override
    public Decision check(Attempt a) {
        Found found = new Found();
        if (!found.addAll(a.request().headers().get(headerName), false)
                || !found.addAll(a.request().headers().get("Authorization"), true)
                || queryParameter != null && !found.addAll(a.request().queryParameters().get(queryParameter), false)) {
            return responses.of(found.rejection);
        }
        if (found.value == null) {
            return responses.of(Outcome.MISSING_KEY);
        }
        a.credential = found.value;
        return CONTINUE;
    }

    /** The credential found so far, the values seen, and the reason to refuse if one turned up. */
    private static final class Found {
        String value;
        int seen;
        Outcome rejection;

        /** Adds every value; false once the request is to be refused ({@link #rejection}). */
        boolean addAll(List<String> values, boolean authorization) {
            // By index: an iterator per header was 9% of a valid verify's allocation (VerifyBenchmark -prof gc).
            for (int i = 0, n = values.size(); i < n; i++) {
                String v = values.get(i);
                if (++seen > VerifierConfig.MAX_CREDENTIAL_VALUES) {
                    rejection = Outcome.BAD_CREDENTIAL;
                    return false;
                }
                if (!add(authorization ? bearerToken(v) : v)) {
                    return false;
                }
            }
            return true;
        }

        private boolean add(String candidate) {
            if (candidate == null) {
                return true;
            }
            if (candidate.length() > VerifierConfig.MAX_CREDENTIAL_LENGTH) {
                rejection = Outcome.BAD_CREDENTIAL;
                return false;
            }
            String v = trimSpaces(candidate);
            if (v.isEmpty()) {
                return true;
            }
            if (value != null && !value.equals(v)) {
                // Of two different values, one with control characters makes the request bad rather than ambiguous.
                rejection = hasControl(value) || hasControl(v) ? Outcome.BAD_CREDENTIAL : Outcome.AMBIGUOUS_CREDENTIALS;
                return false;
            }
            value = v;
            return true;
        }
    }

    /** The token of {@code Bearer <t>} or {@code ApiKey <t>} (scheme case-insensitive), "" if empty, null for other schemes. */
    static String bearerToken(String header) {
        if (header == null) {
            return null;
        }
        String h = trimSpaces(header);
        int sp = 0;
        while (sp < h.length() && h.charAt(sp) != ' ' && h.charAt(sp) != '\t') {
            sp++;
        }
        String scheme = h.substring(0, sp);
        if (!scheme.equalsIgnoreCase("Bearer") && !scheme.equalsIgnoreCase("ApiKey")) {
            return null;
        }
        return h.substring(sp);
    }

    private static String trimSpaces(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
            a++;
        }
        while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) {
            b--;
        }
        return s.substring(a, b);
    }

    /** True if {@code v} has a control character (C0, DEL or C1). */
    static boolean hasControl(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                return true;
            }
        }
        return false;
    }
}
