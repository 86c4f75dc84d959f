package io.tally.payments;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.tally.common.testing.TestTokens;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * An operator's re-check of a payment whose webhook never came: the provider's API (stand-ins answering as Stripe,
 * Opn and Google Play document theirs; every test resource serves every test class) is asked how the payment stands,
 * and its answer goes through the webhook's decisions — a confirmation confirms once, a wrong amount is refused, an
 * unpaid intent changes nothing.
 */
@QuarkusTest
@QuarkusTestResource(StripeStandIn.class)
class PaymentRecheckTest {

    @Test
    void aStripePaymentWhoseWebhookWasLostIsConfirmedByARecheck_once() {
        String user = PaymentsApi.newUser("recheck-stripe");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-starter", "stripe");
        String intent = "pi_recheck_" + UUID.randomUUID().toString().replace("-", "");
        StripeStandIn.atStripe(intent, StripeStandIn.intent(intent, "processing", payment.amountMinor(),
                payment.currency(), payment.reference(), null));
        recheck(payment.id()).then().statusCode(200).body("outcome", equalTo("ignored"))
                .body("detail", containsString("processing")).body("status", equalTo("pending"));

        StripeStandIn.atStripe(intent, StripeStandIn.intent(intent, "succeeded", payment.amountMinor(),
                payment.currency(), payment.reference(), null));
        // Three operators at once: one confirmation. The others find it confirmed before asking Stripe (409), or
        // after, when their answer is not applied.
        List<Response> answers = IntStream.range(0, 3).mapToObj(i -> CompletableFuture.supplyAsync(() ->
                recheck(payment.id()))).toList().stream().map(CompletableFuture::join).toList();
        assertThat(answers).extracting(Response::statusCode).allMatch(status -> status == 200 || status == 409);
        assertThat(answers).filteredOn(a -> a.statusCode() == 200)
                .extracting(a -> a.jsonPath().getString("outcome")).containsOnlyOnce("applied");
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("confirmed");
        PaymentsApi.awaitCredited(user, payment.id());
        assertThat(PaymentsApi.balance(user)).isEqualTo(100 + payment.credits());

        JsonPath detail = PaymentsApi.admin("/payments/admin/payments/" + payment.id()).then().statusCode(200)
                .extract().jsonPath();
        assertThat(detail.getString("payment.providerPaymentId")).isEqualTo(intent);
        assertThat(detail.getInt("payment.cycle")).as("confirmed once").isEqualTo(1);
        assertThat(detail.getList("transitions.findAll { it.applied }.source", String.class))
                .containsExactly("re-check by ops");
        recheck(payment.id()).then().statusCode(409).body("type", containsString("payment-settled"));
    }

    @Test
    void aWrongAmountIsRefused_aDeclinedCardFails_andNoIntentChangesNothing() {
        String user = PaymentsApi.newUser("recheck-declined");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-starter", "stripe");
        recheck(payment.id()).then().statusCode(200).body("outcome", equalTo("ignored"))
                .body("detail", containsString("no PaymentIntent")).body("status", equalTo("pending"));

        String intent = "pi_recheck_" + UUID.randomUUID().toString().replace("-", "");
        StripeStandIn.atStripe(intent, StripeStandIn.intent(intent, "succeeded", payment.amountMinor() - 1,
                payment.currency(), payment.reference(), null));
        recheck(payment.id()).then().statusCode(200).body("outcome", equalTo("mismatch"))
                .body("status", equalTo("pending"));

        StripeStandIn.atStripe(intent, StripeStandIn.intent(intent, "requires_payment_method", payment.amountMinor(),
                payment.currency(), payment.reference(), "Your card was declined."));
        recheck(payment.id()).then().statusCode(200).body("outcome", equalTo("applied"))
                .body("status", equalTo("failed"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("failed");
    }

    @Test
    void stripeDownIs503AndChangesNothing_andOnlyAdminsRecheckWhatCanBe() {
        String user = PaymentsApi.newUser("recheck-down");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-starter", "stripe");
        StripeStandIn.DOWN.set(true);
        try {
            Response down = recheck(payment.id());
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.header("Retry-After")).isEqualTo("30");
            assertThat(down.jsonPath().getString("detail")).contains("Stripe's API answered 500", "re-check again later");
        } finally {
            StripeStandIn.DOWN.set(false);
        }
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");

        given().header("Authorization", TestTokens.bearer("ops-support", "support"))
                .when().post("/payments/admin/payments/" + payment.id() + "/recheck").then().statusCode(403);
        recheck(UUID.randomUUID()).then().statusCode(404);
        PaymentsApi.Pending apple = PaymentsApi.pending(user, "usd-starter", "apple");
        recheck(apple.id()).then().statusCode(422).body("type", containsString("recheck-unsupported"));
    }

    @Test
    void aPromptPayPaymentIsFoundAtOpnByItsReference_onlyTheChargeItsMetadataNames() {
        String user = PaymentsApi.newUser("recheck-opn");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-popular", "promptpay");
        recheck(payment.id()).then().statusCode(200).body("outcome", equalTo("ignored"))
                .body("detail", containsString("Opn has no charge")).body("status", equalTo("pending"));

        // Opn's search matches text anywhere in a charge: a successful charge of another payment whose description
        // quotes this reference is not this payment's.
        String other = OpnWebhooks.newChargeId();
        OpnWebhooks.atOpn(other, OpnWebhooks.charge(other, "promptpay", "successful", payment.amountMinor(),
                UUID.randomUUID().toString(), 0).replace("\"livemode\"", "\"description\":\"see "
                + payment.reference() + "\",\"livemode\""));
        String charge = OpnWebhooks.newChargeId();
        OpnWebhooks.atOpn(charge, OpnWebhooks.charge(charge, "promptpay", "pending", payment.amountMinor(),
                payment.reference(), 0));
        recheck(payment.id()).then().statusCode(200).body("outcome", equalTo("ignored"))
                .body("detail", containsString(charge + " is pending at Opn")).body("status", equalTo("pending"));

        OpnWebhooks.atOpn(charge, OpnWebhooks.charge(charge, "promptpay", "successful", payment.amountMinor(),
                payment.reference(), 0));
        recheck(payment.id()).then().statusCode(200).body("outcome", equalTo("applied"))
                .body("status", equalTo("confirmed"));
        PaymentsApi.awaitCredited(user, payment.id());
        assertThat(PaymentsApi.balance(user)).isEqualTo(100 + payment.credits());
        JsonPath detail = PaymentsApi.admin("/payments/admin/payments/" + payment.id()).then().statusCode(200)
                .extract().jsonPath();
        assertThat(detail.getString("payment.providerPaymentId")).isEqualTo(charge);
        assertThat(detail.getInt("payment.cycle")).as("confirmed once").isEqualTo(1);
    }

    @Test
    void aGooglePlayPaymentIsLookedUpByItsRegisteredToken_andAcknowledged() {
        String user = PaymentsApi.newUser("recheck-google");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "usd-starter", "google");
        recheck(payment.id()).then().statusCode(200).body("outcome", equalTo("ignored"))
                .body("detail", containsString("has not registered this payment's purchase token"));

        String token = "play-token-" + UUID.randomUUID();
        given().header("Authorization", TestTokens.bearer(user, "user")).contentType(ContentType.JSON)
                .body(Map.of("purchaseToken", token)).when().post("/payments/" + payment.id() + "/purchase-token")
                .then().statusCode(200);
        recheck(payment.id()).then().statusCode(200).body("outcome", equalTo("ignored"))
                .body("detail", containsString("Google Play knows no purchase")).body("status", equalTo("pending"));

        GooglePushes.atGoogle(token, "usd-starter", GooglePushes.productPurchase("usd-starter", GooglePushes.PENDING,
                null));
        recheck(payment.id()).then().statusCode(200).body("outcome", equalTo("ignored"))
                .body("detail", containsString("still pending at Google Play"));

        GooglePushes.atGoogle(token, "usd-starter", GooglePushes.productPurchase("usd-starter", GooglePushes.PURCHASED,
                null));
        recheck(payment.id()).then().statusCode(200).body("outcome", equalTo("applied"))
                .body("status", equalTo("confirmed"));
        assertThat(GooglePushes.acknowledgementState(token, "usd-starter")).as("acknowledged at Google").isEqualTo(1);
        PaymentsApi.awaitCredited(user, payment.id());
        assertThat(PaymentsApi.balance(user)).isEqualTo(100 + payment.credits());
    }

    private static Response recheck(UUID payment) {
        return given().header("Authorization", TestTokens.bearer("ops", "admin"))
                .when().post("/payments/admin/payments/" + payment + "/recheck");
    }
}
