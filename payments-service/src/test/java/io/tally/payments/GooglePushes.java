package io.tally.payments;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/** Pub/Sub push deliveries of Play developer notifications, with the OIDC bearer token Google would attach. */
final class GooglePushes {

    static final String AUDIENCE = "https://payments.tally.test/webhooks/google";
    static final String SERVICE_ACCOUNT = "play-push@tally-test.iam.gserviceaccount.com";
    static final String PACKAGE = "dev.tally.app";

    private GooglePushes() {
    }

    static String purchased(String purchaseToken, String sku) {
        return notification("\"oneTimeProductNotification\":{\"version\":\"1.0\",\"notificationType\":1,"
                + "\"purchaseToken\":\"" + purchaseToken + "\",\"sku\":\"" + sku + "\"}");
    }

    static String voided(String purchaseToken) {
        return notification("\"voidedPurchaseNotification\":{\"purchaseToken\":\"" + purchaseToken
                + "\",\"orderId\":\"GPA.1234-5678\",\"productType\":2,\"refundType\":1}");
    }

    private static String notification(String body) {
        return "{\"version\":\"1.0\",\"packageName\":\"" + PACKAGE + "\",\"eventTimeMillis\":\""
                + Instant.now().toEpochMilli() + "\"," + body + "}";
    }

    static Delivery push(String notification) {
        return push(notification, token(AUDIENCE, SERVICE_ACCOUNT, Instant.now().plusSeconds(3600), key()));
    }

    static Delivery push(String notification, String bearer) {
        String data = Base64.getEncoder().encodeToString(notification.getBytes(StandardCharsets.UTF_8));
        String body = "{\"message\":{\"data\":\"" + data + "\",\"messageId\":\"" + UUID.randomUUID()
                + "\",\"publishTime\":\"" + Instant.now() + "\",\"attributes\":{}},"
                + "\"subscription\":\"projects/tally-test/subscriptions/play-rtdn\"}";
        return new Delivery("google", body, Map.of("Authorization", "Bearer " + bearer));
    }

    static String token(String audience, String email, Instant expires, PrivateKey key) {
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer("https://accounts.google.com");
            claims.setAudience(audience);
            claims.setSubject("1234567890");
            claims.setClaim("email", email);
            claims.setClaim("email_verified", true);
            claims.setIssuedAt(NumericDate.fromSeconds(expires.getEpochSecond() - 3600));
            claims.setExpirationTime(NumericDate.fromSeconds(expires.getEpochSecond()));
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            jws.setKeyIdHeaderValue(PaymentsTestKeys.GOOGLE_KEY_ID);
            jws.setKey(key);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static PrivateKey key() {
        try {
            String pem = Files.readString(PaymentsTestKeys.DIR.resolve("google-push.key"))
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
