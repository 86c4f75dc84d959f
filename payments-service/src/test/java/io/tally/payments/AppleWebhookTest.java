package io.tally.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** App Store Server Notifications v2, signed through a test CA chain the service is configured to trust. */
@QuarkusTest
class AppleWebhookTest {

    @Inject
    Pool pool;

    @Test
    void aOneTimeChargeConfirmsAndARefundReverses() {
        String user = PaymentsApi.newUser("iphone");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-creator", "apple");
        String transaction = "2000000" + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
        String purchase = AppleNotifications.transaction(transaction, payment.reference(), "usd-creator");

        AppleNotifications.notification("ONE_TIME_CHARGE", purchase, AppleNotifications.genuine()).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("confirmed");

        AppleNotifications.notification("REFUND", purchase, AppleNotifications.genuine()).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("refunded");
        assertThat(PaymentsTestSupport.reversals(pool, payment.id())).isEqualTo(1);
    }

    @Test
    void aTamperedPayloadIsRefused() {
        String user = PaymentsApi.newUser("iphone-tamper");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-starter", "apple");
        Delivery genuine = AppleNotifications.notification("ONE_TIME_CHARGE",
                AppleNotifications.transaction("t-" + UUID.randomUUID(), payment.reference(), "usd-starter"),
                AppleNotifications.genuine());
        // Re-assemble the JWS with another payload but the original signature.
        String jws = genuine.body().split("\"")[3];
        String[] parts = jws.split("\\.");
        String forgedPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"notificationType\":\"ONE_TIME_CHARGE\",\"notificationUUID\":\"x\"}".getBytes());
        Delivery forged = new Delivery("apple", "{\"signedPayload\":\"" + parts[0] + "." + forgedPayload + "." + parts[2]
                + "\"}", java.util.Map.of());

        forged.post().then().statusCode(400).body("type", equalTo("https://tally.dev/problems/invalid-signature"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");
    }

    @Test
    void aChainFromAnotherRootIsRefused() {
        String user = PaymentsApi.newUser("iphone-stranger");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-starter", "apple");
        List<TestCertificates> stranger = AppleNotifications.chain("stranger", "stranger-leaf");

        AppleNotifications.notification("ONE_TIME_CHARGE",
                        AppleNotifications.transaction("t-" + UUID.randomUUID(), payment.reference(), "usd-starter"), stranger)
                .post().then().statusCode(400).body("detail", containsString("configured root"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");
    }

    @Test
    void aPayloadSignedWithAnExpiredLeafIsRefused() {
        String user = PaymentsApi.newUser("iphone-expired");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-starter", "apple");

        AppleNotifications.notification("ONE_TIME_CHARGE",
                        AppleNotifications.transaction("t-" + UUID.randomUUID(), payment.reference(), "usd-starter"),
                        AppleNotifications.chain("apple", "apple-expired-leaf"))
                .post().then().statusCode(400);
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");
    }

    @Test
    void aPurchaseOfAnotherProductIsAMismatch() {
        String user = PaymentsApi.newUser("iphone-product");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-pro", "apple");

        AppleNotifications.notification("ONE_TIME_CHARGE",
                        AppleNotifications.transaction("t-" + UUID.randomUUID(), payment.reference(), "usd-starter"),
                        AppleNotifications.genuine())
                .post().then().statusCode(200).body("outcome", equalTo("mismatch"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");
    }

    @Test
    void aGenuineNotificationForAnotherAppIsRefused() {
        String user = PaymentsApi.newUser("iphone-other-app");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-starter", "apple");

        // Signed through Apple's chain all right, but about somebody else's app.
        AppleNotifications.notification("ONE_TIME_CHARGE",
                        AppleNotifications.transaction("t-" + UUID.randomUUID(), payment.reference(), "usd-starter"),
                        AppleNotifications.genuine(), "com.somebody.else")
                .post().then().statusCode(400).body("type", equalTo("https://tally.dev/problems/invalid-signature"))
                .body("detail", containsString("another app"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");
    }

    @Test
    void aLeafWithoutApplesMarkerExtensionIsRefused() {
        String user = PaymentsApi.newUser("iphone-unmarked");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-starter", "apple");

        AppleNotifications.notification("ONE_TIME_CHARGE",
                        AppleNotifications.transaction("t-" + UUID.randomUUID(), payment.reference(), "usd-starter"),
                        AppleNotifications.chain("apple", "apple-plain-leaf"))
                .post().then().statusCode(400).body("detail", containsString("marker extensions"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");
    }

    @Test
    void anX5cHeaderOfNonStringsOrGarbageIsA400ProblemNotA500() {
        String payload = base64Url("{\"notificationType\":\"ONE_TIME_CHARGE\"}");
        for (String x5c : List.of("[1, 2, 3]", "[{\"a\": 1}, [], null]", "\"MIIB\"", "[\"not base64!\", \"x\", \"y\"]",
                "[\"QUJD\", \"QUJD\", \"QUJD\"]")) {
            String header = base64Url("{\"alg\":\"ES256\",\"x5c\":" + x5c + "}");
            new Delivery("apple", "{\"signedPayload\":\"" + header + "." + payload + ".c2ln\"}", java.util.Map.of())
                    .post().then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo("https://tally.dev/problems/invalid-signature"));
        }
    }

    private static String base64Url(String json) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
