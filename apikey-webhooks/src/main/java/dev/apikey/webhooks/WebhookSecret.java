package dev.apikey.webhooks;

import dev.apikey.InvalidConfigurationException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * A Standard Webhooks signing secret, {@code whsec_} followed by the base64 of 24 to 64 random bytes, and the
 * signature it makes: {@code v1,<base64 of HMAC-SHA256(key, id "." timestamp "." body)>}. {@link #toString()} never
 * shows it.
 */
final class WebhookSecret {
    static final String PREFIX = "whsec_";
    private final byte[] key;

    private WebhookSecret(byte[] key) {
        this.key = key;
    }

    /**
     * Parses {@code whsec_<base64>}.
     *
     * @throws InvalidConfigurationException if it is not of that form (the message never holds the secret)
     */
    static WebhookSecret parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new InvalidConfigurationException("a webhook secret must look like whsec_<base64 of 24 to 64 bytes>");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.substring(PREFIX.length()).trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("the webhook secret after whsec_ is not base64");
        }
        if (key.length < 24 || key.length > 64) {
            throw new InvalidConfigurationException("a webhook secret must hold 24 to 64 bytes, got " + key.length);
        }
        return new WebhookSecret(key);
    }

    /** The {@code webhook-signature} value of one message. */
    String sign(String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "WebhookSecret[redacted]";
    }
}
