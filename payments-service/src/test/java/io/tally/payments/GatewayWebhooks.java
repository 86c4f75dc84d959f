package io.tally.payments;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** PromptPay / TrueMoney gateway deliveries: HMAC-SHA256 of {@code timestamp.body} in X-Webhook-Signature. */
final class GatewayWebhooks {

    static final Map<String, String> SECRETS = Map.of("promptpay", "promptpay-test-secret",
            "truemoney", "truemoney-test-secret");

    private GatewayWebhooks() {
    }

    static String body(String type, String reference, String transactionId, long amount) {
        return "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"" + type + "\",\"reference\":\"" + reference
                + "\",\"transactionId\":\"" + transactionId + "\",\"amount\":" + amount
                + ",\"currency\":\"THB\",\"occurredAt\":\"" + Instant.now() + "\"}";
    }

    static Delivery signed(String provider, String body) {
        return signed(provider, body, Instant.now().getEpochSecond(), SECRETS.get(provider));
    }

    static Delivery signed(String provider, String body, long timestamp, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String signature = HexFormat.of().formatHex(
                    mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
            return new Delivery(provider, body, Map.of("X-Webhook-Timestamp", Long.toString(timestamp),
                    "X-Webhook-Signature", "sha256=" + signature));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
