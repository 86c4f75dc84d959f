package io.tally.payments.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 signatures over {@code timestamp.body}, checked in constant time against every configured secret. */
final class Hmacs {

    private Hmacs() {
    }

    /** The configured secrets; none configured refuses every delivery, so nothing is accepted unsigned. */
    static <T> List<T> requireSecrets(List<T> configured, String provider) {
        if (configured.isEmpty()) {
            throw WebhookRejected.signature("no " + provider + " webhook secret is configured");
        }
        return configured;
    }

    /** Secrets used as keys as they are written (Stripe's whsec_…). */
    static List<byte[]> utf8Keys(Optional<List<String>> secrets) {
        return secrets.orElse(List.of()).stream().map(secret -> secret.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** Secrets that are the base64 of the key (Opn's); a secret that is not base64 stops the service at start. */
    static List<byte[]> base64Keys(Optional<List<String>> secrets, String variable) {
        return secrets.orElse(List.of()).stream().map(secret -> {
            try {
                return Base64.getDecoder().decode(secret.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(variable + " holds a secret that is not base64: copy it from the "
                        + "dashboard as it is shown");
            }
        }).toList();
    }

    static byte[] sha256(byte[] key, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '.');
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** True when any candidate (hex) equals the HMAC under any secret. */
    static boolean matchesAny(List<byte[]> keys, String timestamp, byte[] body, List<String> candidatesHex) {
        boolean matched = false;
        for (byte[] key : keys) {
            byte[] expected = sha256(key, timestamp, body);
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
