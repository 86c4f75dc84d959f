package io.tally.payments.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 signatures over {@code timestamp.body}, checked in constant time against every configured secret. */
final class Hmacs {

    private Hmacs() {
    }

    /** The configured secrets; none configured refuses every delivery, so nothing is accepted unsigned. */
    static List<String> requireSecrets(java.util.Optional<List<String>> configured, String provider) {
        List<String> secrets = configured.orElse(List.of());
        if (secrets.isEmpty()) {
            throw WebhookRejected.signature("no " + provider + " webhook secret is configured");
        }
        return secrets;
    }

    static byte[] sha256(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '.');
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** True when any candidate (hex) equals the HMAC under any secret. */
    static boolean matchesAny(List<String> secrets, String timestamp, byte[] body, List<String> candidatesHex) {
        boolean matched = false;
        for (String secret : secrets) {
            byte[] expected = sha256(secret, timestamp, body);
            for (String candidate : candidatesHex) {
                byte[] given;
                try {
                    given = HexFormat.of().parseHex(candidate);
                } catch (IllegalArgumentException e) {
                    continue;
                }
                // No early exit: every pair is compared, so timing does not say which secret matched.
                matched |= MessageDigest.isEqual(expected, given);
            }
        }
        return matched;
    }

    /** The signed timestamp (Unix seconds) within the tolerance of the arrival time. */
    static void requireFresh(String timestamp, Duration tolerance, Instant receivedAt) {
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw WebhookRejected.signature("the signature timestamp is not a number");
        }
        if (Math.abs(receivedAt.getEpochSecond() - seconds) > tolerance.toSeconds()) {
            throw WebhookRejected.signature("the signature timestamp is outside the " + tolerance.toSeconds()
                    + " s tolerance");
        }
    }
}
