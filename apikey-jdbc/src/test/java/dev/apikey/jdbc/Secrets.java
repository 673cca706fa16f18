package dev.apikey.jdbc;

import dev.apikey.KeyDigest;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions that an exception, its causes and its stack trace as a log would print it hold no digest. */
final class Secrets {
    private Secrets() {
    }

    /** Everything a logger would print for {@code t}: messages, causes, suppressed exceptions. */
    static String printed(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /** Fails if {@code t} as printed contains {@code digest}, whole or its base64 part alone. */
    static void assertNoDigestIn(Throwable t, KeyDigest digest) {
        String encoded = digest.encoded();
        String base64 = encoded.substring(encoded.indexOf(':') + 1);
        assertThat(printed(t)).doesNotContain(encoded).doesNotContain(base64);
    }
}
