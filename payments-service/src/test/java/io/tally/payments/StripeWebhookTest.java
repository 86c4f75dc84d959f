package io.tally.payments;

import static io.tally.payments.PaymentsApi.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.stripe.model.Event;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tally.common.testing.CreditsServiceResource;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Stripe deliveries, signed with Stripe's own library, against the real credits-service. */
@QuarkusTest
@QuarkusTestResource(PaymentsTestKeys.class)
@QuarkusTestResource(CreditsServiceResource.class)
class StripeWebhookTest {

    @Inject
    Pool pool;

    @Test
    void aSignedConfirmationGrantsTheCreditsOnce() {
        String user = PaymentsApi.newUser("buyer");
        long before = PaymentsApi.balance(user);
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-popular", "stripe");
        String intent = StripeWebhooks.newIntentId();

        StripeWebhooks.signed(StripeWebhooks.succeeded(intent, payment.reference(), 299_00, "thb")).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));

        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("confirmed");
        PaymentsApi.awaitCredited(user, payment.id());
        assertThat(PaymentsApi.balance(user)).isEqualTo(before + 10);
        assertThat(PaymentsTestSupport.confirmations(pool, payment.id())).isEqualTo(1);
    }

    @Test
    void aTamperedBodyIsRefusedLoggedAndChangesNothing() {
        String user = PaymentsApi.newUser("tamper");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-pro", "stripe");
        Delivery genuine = StripeWebhooks.signed(StripeWebhooks.succeeded(StripeWebhooks.newIntentId(),
                payment.reference(), 699_00, "thb"));

        genuine.tampered("\"amount_received\": 69900", "\"amount_received\": 100").post().then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://tally.dev/problems/invalid-signature"));

        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");
        assertThat(PaymentsTestSupport.deliveries(pool, "stripe", "rejected_signature", payment.reference())).isEqualTo(1);
        assertThat(PaymentsTestSupport.confirmations(pool, payment.id())).isZero();
    }

    @Test
    void aTimestampOutsideTheToleranceIsRefused() {
        String user = PaymentsApi.newUser("replay");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-pro", "stripe");
        Event event = StripeWebhooks.succeeded(StripeWebhooks.newIntentId(), payment.reference(), 699_00, "thb");

        StripeWebhooks.signed(event, Instant.now().minusSeconds(301).getEpochSecond(), StripeWebhooks.SECRET).post()
                .then().statusCode(400).body("detail", org.hamcrest.Matchers.containsString("tolerance"));

        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");
    }

    @Test
    void aSignatureWithAnUnknownSecretIsRefused() {
        String user = PaymentsApi.newUser("forger");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-pro", "stripe");
        Event event = StripeWebhooks.succeeded(StripeWebhooks.newIntentId(), payment.reference(), 699_00, "thb");

        StripeWebhooks.signed(event, Instant.now().getEpochSecond(), "whsec_not_ours").post().then().statusCode(400);

        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");
    }

    @Test
    void duringARotationBothSecretsAndSeveralSignaturesAreAccepted() {
        String user = PaymentsApi.newUser("rotation");
        PaymentsApi.Pending first = PaymentsApi.pending(user, "thb-starter", "stripe");
        PaymentsApi.Pending second = PaymentsApi.pending(user, "thb-starter", "stripe");

        StripeWebhooks.signed(StripeWebhooks.succeeded(StripeWebhooks.newIntentId(), first.reference(), 99_00, "thb"),
                Instant.now().getEpochSecond(), StripeWebhooks.PREVIOUS_SECRET).post().then().statusCode(200);
        // Stripe signs with every active secret while rolling: one v1 we do not know, one we do.
        StripeWebhooks.signed(StripeWebhooks.succeeded(StripeWebhooks.newIntentId(), second.reference(), 99_00, "thb"),
                Instant.now().getEpochSecond(), "whsec_brand_new", StripeWebhooks.SECRET).post().then().statusCode(200);

        assertThat(PaymentsApi.status(user, first.id())).isEqualTo("confirmed");
        assertThat(PaymentsApi.status(user, second.id())).isEqualTo("confirmed");
    }

    @Test
    void aRedeliveredEventIsADuplicateAndTwoConfirmationsGrantOnce() {
        String user = PaymentsApi.newUser("twice");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-starter", "stripe");
        String intent = StripeWebhooks.newIntentId();
        Delivery delivery = StripeWebhooks.signed(StripeWebhooks.succeeded(intent, payment.reference(), 99_00, "thb"));

        delivery.post().then().statusCode(200).body("outcome", equalTo("applied"));
        delivery.post().then().statusCode(200).body("outcome", equalTo("duplicate"));
        // Another event (another id) confirming the same payment.
        StripeWebhooks.signed(StripeWebhooks.succeeded(intent, payment.reference(), 99_00, "thb")).post()
                .then().statusCode(200).body("outcome", equalTo("duplicate"));

        assertThat(PaymentsTestSupport.confirmations(pool, payment.id())).isEqualTo(1);
    }

    @Test
    void theSameEventDeliveredTenTimesConcurrentlyHasOneEffect() {
        String user = PaymentsApi.newUser("storm");
        long before = PaymentsApi.balance(user);
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-business", "stripe");
        Delivery delivery = StripeWebhooks.signed(StripeWebhooks.succeeded(StripeWebhooks.newIntentId(),
                payment.reference(), 1_299_00, "thb"));

        List<CompletableFuture<Response>> storm = IntStream.range(0, 10)
                .mapToObj(i -> CompletableFuture.supplyAsync(delivery::post)).toList();
        List<String> outcomes = storm.stream().map(CompletableFuture::join)
                .map(r -> r.then().statusCode(200).extract().jsonPath().getString("outcome")).toList();

        assertThat(outcomes).containsOnlyOnce("applied").filteredOn("duplicate"::equals).hasSize(9);
        assertThat(PaymentsTestSupport.confirmations(pool, payment.id())).isEqualTo(1);
        PaymentsApi.awaitCredited(user, payment.id());
        assertThat(PaymentsApi.balance(user)).isEqualTo(before + 50);
    }

    @Test
    void aRefundThatArrivesBeforeItsConfirmationIsAppliedWhenTheConfirmationLands() {
        String user = PaymentsApi.newUser("early-refund");
        long before = PaymentsApi.balance(user);
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-popular", "stripe");
        String intent = StripeWebhooks.newIntentId();

        StripeWebhooks.signed(StripeWebhooks.refunded(intent, 299_00, true)).post()
                .then().statusCode(200).body("outcome", equalTo("out_of_order"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");

        StripeWebhooks.signed(StripeWebhooks.succeeded(intent, payment.reference(), 299_00, "thb")).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));

        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("refunded");
        assertThat(PaymentsTestSupport.confirmations(pool, payment.id())).isEqualTo(1);
        assertThat(PaymentsTestSupport.reversals(pool, payment.id())).isEqualTo(1);
        await().atMost(WAIT).until(() -> PaymentsApi.balance(user) == before
                && PaymentsApi.payment(user, payment.id()).jsonPath().getBoolean("credited"));
    }

    @Test
    void aWonDisputeRestoresTheBalance() {
        String user = PaymentsApi.newUser("dispute");
        long before = PaymentsApi.balance(user);
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-pro", "stripe");
        String intent = StripeWebhooks.newIntentId();
        StripeWebhooks.signed(StripeWebhooks.succeeded(intent, payment.reference(), 699_00, "thb")).post().then().statusCode(200);
        await().atMost(WAIT).until(() -> PaymentsApi.balance(user) == before + 25);

        StripeWebhooks.signed(StripeWebhooks.dispute("charge.dispute.created", intent, "needs_response")).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("charged_back");
        await().atMost(WAIT).until(() -> PaymentsApi.balance(user) == before);

        StripeWebhooks.signed(StripeWebhooks.dispute("charge.dispute.closed", intent, "won")).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("confirmed");
        await().atMost(WAIT).until(() -> PaymentsApi.balance(user) == before + 25);
        PaymentsApi.payment(user, payment.id()).then().body("cycle", equalTo(2));
        PaymentsApi.awaitCredited(user, payment.id());
    }

    @Test
    void aRefundAfterTheCreditsWereSpentLeavesDebtThatTheNextPurchaseRepays() {
        String user = PaymentsApi.newUser("spender");
        long signup = PaymentsApi.balance(user);
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-business", "stripe");
        String intent = StripeWebhooks.newIntentId();
        StripeWebhooks.signed(StripeWebhooks.succeeded(intent, payment.reference(), 1_299_00, "thb")).post().then().statusCode(200);
        await().atMost(WAIT).until(() -> PaymentsApi.balance(user) == signup + 50);
        PaymentsApi.spend(user, signup + 40); // leaves 10

        StripeWebhooks.signed(StripeWebhooks.refunded(intent, 1_299_00, true)).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));
        await().atMost(WAIT).until(() -> PaymentsApi.debt(user) == 40);
        assertThat(PaymentsApi.balance(user)).isZero();

        PaymentsApi.Pending next = PaymentsApi.pending(user, "thb-business", "stripe");
        StripeWebhooks.signed(StripeWebhooks.succeeded(StripeWebhooks.newIntentId(), next.reference(), 1_299_00, "thb"))
                .post().then().statusCode(200);
        await().atMost(WAIT).until(() -> PaymentsApi.debt(user) == 0 && PaymentsApi.balance(user) == 10);
    }

    @Test
    void aConfirmationForAnotherAmountIsNotApplied() {
        String user = PaymentsApi.newUser("short-paid");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-pro", "stripe");

        StripeWebhooks.signed(StripeWebhooks.succeeded(StripeWebhooks.newIntentId(), payment.reference(), 1_00, "thb"))
                .post().then().statusCode(200).body("outcome", equalTo("mismatch"));

        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");
        assertThat(PaymentsTestSupport.illegalTransitions(pool, payment.id())).isEqualTo(1);
    }

    /**
     * A failed attempt is not the payment (a retry may succeed under another id), so an event about that attempt's
     * id alone names no payment; a won dispute of a payment never disputed is an illegal transition, recorded.
     */
    @Test
    void aFailedPaymentIsMarkedFailedAndAWonDisputeOfAnUndisputedPaymentIsAnIllegalTransition() {
        String user = PaymentsApi.newUser("declined");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-pro", "stripe");
        String declined = StripeWebhooks.newIntentId();

        StripeWebhooks.signed(StripeWebhooks.failed(declined, payment.reference(), 699_00, "thb")).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("failed");
        StripeWebhooks.signed(StripeWebhooks.dispute("charge.dispute.closed", declined, "won")).post()
                .then().statusCode(200).body("outcome", equalTo("unknown_payment"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("failed");

        String paid = StripeWebhooks.newIntentId();
        StripeWebhooks.signed(StripeWebhooks.succeeded(paid, payment.reference(), 699_00, "thb")).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));
        StripeWebhooks.signed(StripeWebhooks.dispute("charge.dispute.closed", paid, "won")).post()
                .then().statusCode(200).body("outcome", equalTo("illegal_transition"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("confirmed");
        assertThat(PaymentsTestSupport.illegalTransitions(pool, payment.id())).isEqualTo(1);
    }

    @Test
    void aLiveModeEventIsRefusedByATestModeDeploymentAndAnEventWithoutAModeToo() {
        String user = PaymentsApi.newUser("livemode");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-starter", "stripe");
        Event live = StripeWebhooks.succeeded(StripeWebhooks.newIntentId(), payment.reference(), 99_00, "thb");
        live.setLivemode(true);

        StripeWebhooks.signed(live).post().then().statusCode(400)
                .body("type", equalTo("https://tally.dev/problems/malformed-webhook"))
                .body("detail", org.hamcrest.Matchers.containsString("live-mode event"));
        Event modeless = StripeWebhooks.succeeded(StripeWebhooks.newIntentId(), payment.reference(), 99_00, "thb");
        modeless.setLivemode(null);
        StripeWebhooks.signed(modeless).post().then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.containsString("livemode"));

        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");
        assertThat(PaymentsTestSupport.confirmations(pool, payment.id())).isZero();
    }
}
