package io.tally.payments.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * A webhook as it arrived: the raw body is what signatures cover, so nothing parses it before verification.
 *
 * @param remoteAddress the sender, as the HTTP layer resolved it (the client address a trusted proxy forwarded)
 */
public record WebhookRequest(String provider, Map<String, String> headers, byte[] body, Instant receivedAt,
                             String remoteAddress) {

    /** How much of a refused body is kept: enough to recognise what was sent, not enough to fill a table. */
    static final int EXCERPT_BYTES = 2048;

    /** Header lookup; the map's keys are lower-case. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The first {@link #EXCERPT_BYTES} bytes of the body, as text (a character cut in two becomes U+FFFD). */
    public String bodyExcerpt() {
        return new String(body, 0, Math.min(body.length, EXCERPT_BYTES), StandardCharsets.UTF_8);
    }

    public String bodySha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
