package io.tally.payments;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;

/**
 * App Store Server Notifications v2 as Apple sends them: an ES256 JWS whose x5c header holds leaf, intermediate
 * and root, around a payload whose signedTransactionInfo is signed the same way. Keys from {@link PaymentsTestKeys}.
 */
final class AppleNotifications {

    static final String BUNDLE_ID = "dev.tally.app";

    private AppleNotifications() {
    }

    /** The chain a genuine notification is signed with; {@code leafName}: apple-leaf, apple-expired-leaf… */
    static List<TestCertificates> chain(String prefix, String leafName) {
        return List.of(load(leafName), load(prefix + "-intermediate"), load(prefix + "-root"));
    }

    static List<TestCertificates> genuine() {
        return chain("apple", "apple-leaf");
    }

    static String transaction(String transactionId, String appAccountToken, String productId) {
        return "{\"transactionId\":\"" + transactionId + "\",\"originalTransactionId\":\"" + transactionId
                + "\",\"bundleId\":\"" + BUNDLE_ID + "\",\"productId\":\"" + productId
                + "\",\"purchaseDate\":" + Instant.now().toEpochMilli() + ",\"quantity\":1,\"type\":\"Consumable\""
                + (appAccountToken == null ? "" : ",\"appAccountToken\":\"" + appAccountToken + "\"")
                + ",\"environment\":\"Sandbox\",\"price\":99000,\"currency\":\"THB\"}";
    }

    static Delivery notification(String type, String transactionJson, List<TestCertificates> chain) {
        return notification(type, transactionJson, chain, BUNDLE_ID);
    }

    /** A notification about the app {@code bundleId}, signed by the chain. */
    static Delivery notification(String type, String transactionJson, List<TestCertificates> chain, String bundleId) {
        String signedTransaction = sign(transactionJson, chain);
        String payload = "{\"notificationType\":\"" + type + "\",\"notificationUUID\":\"" + UUID.randomUUID()
                + "\",\"version\":\"2.0\",\"signedDate\":" + Instant.now().toEpochMilli()
                + ",\"data\":{\"bundleId\":\"" + bundleId + "\",\"environment\":\"Sandbox\",\"signedTransactionInfo\":\""
                + signedTransaction + "\"}}";
        return new Delivery("apple", "{\"signedPayload\":\"" + sign(payload, chain) + "\"}", Map.of());
    }

    static String sign(String payload, List<TestCertificates> chain) {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(payload);
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
            jws.setCertificateChainHeaderValue(chain.stream().map(TestCertificates::certificate)
                    .toArray(java.security.cert.X509Certificate[]::new));
            jws.setKey(chain.get(0).key());
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static TestCertificates load(String name) {
        return TestCertificates.read(PaymentsTestKeys.DIR.resolve(name + ".pem"), PaymentsTestKeys.DIR.resolve(name + ".key"));
    }
}
