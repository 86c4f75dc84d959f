package io.tally.common.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Stripe-Signature} header a Stripe-format webhook carries, as a provider computes it over the exact
 * body bytes: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body" with the endpoint secret>}. For tests that
 * play the provider over plain HTTP (payments' own tests use stripe-java instead).
 */
public final class StripeSignatures {

    private StripeSignatures() {
    }

    /** Signed now. */
    public static String header(String secret, String body) {
        long timestamp = System.currentTimeMillis() / 1000;
        return "t=" + timestamp + ",v1=" + hmacSha256Hex(secret, timestamp + "." + body);
    }

    private static String hmacSha256Hex(String secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
