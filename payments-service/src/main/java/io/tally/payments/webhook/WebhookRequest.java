package io.tally.payments.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** A webhook as it arrived: the raw body is what signatures cover, so nothing parses it before verification. */
public record WebhookRequest(String provider, Map<String, String> headers, byte[] body, Instant receivedAt) {

    /** Header lookup; the map's keys are lower-case. */
    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
