package io.tally.payments;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.tally.common.testing.TestTokens;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Play developer notifications by Pub/Sub push, authenticated by Google's OIDC bearer token, and every purchase
 * confirmed with the Play Developer API (a local stand-in, {@link GooglePlayStandIn}) before it counts.
 */
@QuarkusTest
@QuarkusTestResource(GooglePlayStandIn.class)
class GoogleWebhookTest {

    private static Response registerToken(String user, UUID payment, String token) {
        return given().header("Authorization", TestTokens.bearer(user, "user")).contentType(ContentType.JSON)
                .body(Map.of("purchaseToken", token)).when().post("/payments/" + payment + "/purchase-token");
    }

    /** A payment whose purchase token the app registered, and the purchase as Google Play has it. */
    private static String registeredAtGoogle(String user, PaymentsApi.Pending payment, String productId, int state,
                                             Integer purchaseType) {
        String token = "play-token-" + UUID.randomUUID();
        registerToken(user, payment.id(), token).then().statusCode(200);
        GooglePushes.atGoogle(token, productId, GooglePushes.productPurchase(productId, state, purchaseType));
        return token;
    }

    @Test
    void aPurchaseConfirmsTheRegisteredPaymentAndAVoidReversesIt() {
        String user = PaymentsApi.newUser("android");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-pro", "google");
        String token = registeredAtGoogle(user, payment, "usd-pro", GooglePushes.PURCHASED, null);

        GooglePushes.push(GooglePushes.purchased(token, "usd-pro")).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("confirmed");
        assertThat(GooglePushes.acknowledgementState(token, "usd-pro")).as("acknowledged at Google").isEqualTo(1);

        GooglePushes.push(GooglePushes.voided(token)).post().then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("refunded");
    }

    @Test
    void aPurchaseNotifiedBeforeTheAppRegisteredItsTokenIsAppliedOnRegistration() {
        String user = PaymentsApi.newUser("android-early");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-starter", "google");
        String token = "play-token-" + UUID.randomUUID();
        GooglePushes.atGoogle(token, "usd-starter", GooglePushes.productPurchase("usd-starter", GooglePushes.PURCHASED,
                null));

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
    void theNotificationAloneCreditsNothing() {
        String user = PaymentsApi.newUser("android-claims");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-starter", "google");
        String unknown = "play-token-" + UUID.randomUUID();
        registerToken(user, payment.id(), unknown).then().statusCode(200);

        // A genuine push about a token Google Play knows nothing of.
        GooglePushes.push(GooglePushes.purchased(unknown, "usd-starter")).post().then().statusCode(400)
                .body("detail", containsString("Google Play knows no purchase"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");

        // Google has it, still pending (cash at a store, say): nothing yet; once purchased, it confirms.
        String user2 = PaymentsApi.newUser("android-pending");
        PaymentsApi.Pending pending = PaymentsApi.pending(user2, "usd-starter", "google");
        String token = registeredAtGoogle(user2, pending, "usd-starter", GooglePushes.PENDING, null);
        GooglePushes.push(GooglePushes.purchased(token, "usd-starter")).post()
                .then().statusCode(200).body("outcome", equalTo("ignored"));
        assertThat(PaymentsApi.status(user2, pending.id())).isEqualTo("pending");
        assertThat(GooglePushes.acknowledgementState(token, "usd-starter")).isZero();

        GooglePushes.atGoogle(token, "usd-starter", GooglePushes.productPurchase("usd-starter", GooglePushes.PURCHASED,
                null));
        GooglePushes.push(GooglePushes.purchased(token, "usd-starter")).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user2, pending.id())).isEqualTo("confirmed");
    }

    @Test
    void aPurchaseCancelledAtGoogleFailsThePayment() {
        String user = PaymentsApi.newUser("android-cancel");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-starter", "google");
        String token = registeredAtGoogle(user, payment, "usd-starter", GooglePushes.CANCELED, null);

        // Even a push claiming a purchase: Google Play's answer decides.
        GooglePushes.push(GooglePushes.purchased(token, "usd-starter")).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("failed");
    }

    @Test
    void aLicenseTestersPurchaseCreditsNothing() {
        String user = PaymentsApi.newUser("android-tester");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-pro", "google");
        String token = registeredAtGoogle(user, payment, "usd-pro", GooglePushes.PURCHASED, GooglePushes.TEST_PURCHASE);

        GooglePushes.push(GooglePushes.purchased(token, "usd-pro")).post()
                .then().statusCode(200).body("outcome", equalTo("ignored"))
                .body("detail", containsString("TALLY_GOOGLE_ALLOW_TEST_PURCHASES"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");
        assertThat(GooglePushes.acknowledgementState(token, "usd-pro")).isZero();
    }

    @Test
    void whileGooglePlayIsDownThePushIsAnswered503AndTakenWhenPushedAgain() {
        String user = PaymentsApi.newUser("android-outage");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-starter", "google");
        String token = registeredAtGoogle(user, payment, "usd-starter", GooglePushes.PURCHASED, null);
        Delivery push = GooglePushes.push(GooglePushes.purchased(token, "usd-starter"));

        GooglePushes.outage(true);
        try {
            push.post().then().statusCode(503).header("Retry-After", "30")
                    .body("type", containsString("provider-unavailable"));
        } finally {
            GooglePushes.outage(false);
        }
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");

        push.post().then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("confirmed");
        assertThat(GooglePushes.acknowledgementState(token, "usd-starter")).isEqualTo(1);
    }

    @Test
    void aTokenCannotBeRegisteredOnAnotherUsersPayment() {
        PaymentsApi.Pending payment = PaymentsApi.pending(PaymentsApi.newUser("android-owner"), "usd-starter", "google");
        registerToken(PaymentsApi.newUser("android-thief"), payment.id(), "play-token-" + UUID.randomUUID())
                .then().statusCode(404);
    }
}
