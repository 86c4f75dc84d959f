package io.tally.payments;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.tally.common.testing.TestTokens;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Play developer notifications by Pub/Sub push, authenticated by Google's OIDC bearer token. */
@QuarkusTest
class GoogleWebhookTest {

    private static Response registerToken(String user, UUID payment, String token) {
        return given().header("Authorization", TestTokens.bearer(user, "user")).contentType(ContentType.JSON)
                .body(Map.of("purchaseToken", token)).when().post("/payments/" + payment + "/purchase-token");
    }

    @Test
    void aPurchaseConfirmsTheRegisteredPaymentAndAVoidReversesIt() {
        String user = PaymentsApi.newUser("android");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-pro", "google");
        String token = "play-token-" + UUID.randomUUID();
        registerToken(user, payment.id(), token).then().statusCode(200);

        GooglePushes.push(GooglePushes.purchased(token, "usd-pro")).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("confirmed");

        GooglePushes.push(GooglePushes.voided(token)).post().then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("refunded");
    }

    @Test
    void aPurchaseNotifiedBeforeTheAppRegisteredItsTokenIsAppliedOnRegistration() {
        String user = PaymentsApi.newUser("android-early");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-starter", "google");
        String token = "play-token-" + UUID.randomUUID();

        GooglePushes.push(GooglePushes.purchased(token, "usd-starter")).post()
                .then().statusCode(200).body("outcome", equalTo("out_of_order"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");

        registerToken(user, payment.id(), token).then().statusCode(200).body("status", equalTo("confirmed"));
    }

    @Test
    void tokensSignedByAnotherKeyForAnotherAudienceOrExpiredAreRefused() throws Exception {
        String user = PaymentsApi.newUser("android-forger");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-starter", "google");
        String token = "play-token-" + UUID.randomUUID();
        registerToken(user, payment.id(), token).then().statusCode(200);
        String notification = GooglePushes.purchased(token, "usd-starter");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);

        GooglePushes.push(notification, GooglePushes.token(GooglePushes.AUDIENCE, GooglePushes.SERVICE_ACCOUNT,
                Instant.now().plusSeconds(600), generator.generateKeyPair().getPrivate())).post().then().statusCode(400);
        GooglePushes.push(notification, GooglePushes.token("https://someone.else/push", GooglePushes.SERVICE_ACCOUNT,
                Instant.now().plusSeconds(600), GooglePushes.key())).post().then().statusCode(400);
        GooglePushes.push(notification, GooglePushes.token(GooglePushes.AUDIENCE, "intruder@evil.example",
                Instant.now().plusSeconds(600), GooglePushes.key())).post().then().statusCode(400);
        GooglePushes.push(notification, GooglePushes.token(GooglePushes.AUDIENCE, GooglePushes.SERVICE_ACCOUNT,
                Instant.now().minusSeconds(600), GooglePushes.key())).post().then().statusCode(400);
        given().contentType(ContentType.JSON).body(GooglePushes.push(notification).body()).when()
                .post("/webhooks/google").then().statusCode(400);

        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");
    }

    @Test
    void aTokenCannotBeRegisteredOnAnotherUsersPayment() {
        PaymentsApi.Pending payment = PaymentsApi.pending(PaymentsApi.newUser("android-owner"), "usd-starter", "google");
        registerToken(PaymentsApi.newUser("android-thief"), payment.id(), "play-token-" + UUID.randomUUID())
                .then().statusCode(404);
    }
}
