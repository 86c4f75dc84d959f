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
import io.tally.common.testing.TestSql;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Provider events that race or come in an awkward order (reviews: payments H1, M1, M2, M3), each interleaving driven
 * deterministically: a refund is never parked forever, never lost while the payment is failed, a retry under a new
 * provider id is credited, and what Tally does not act on shows as ignored.
 */
@QuarkusTest
@QuarkusTestResource(PaymentsTestKeys.class)
@QuarkusTestResource(CreditsServiceResource.class)
class ProviderRacesTest {

    @Inject
    Pool pool;

    /**
     * The refund looks its payment up by the PaymentIntent id before the confirmation that binds that id has
     * committed, and parks; the confirmation releases parked events before the refund's park has committed. Here the
     * refund is held between the two by a row the test inserts, uncommitted, under the refund's own event id (the
     * refund's claim waits on it), while the confirmation is sent.
     */
    @Test
    void aRefundRacingItsConfirmationIsAppliedOnceTheConfirmationCommits() throws Exception {
        String user = PaymentsApi.newUser("raced-refund");
        long before = PaymentsApi.balance(user);
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-popular", "stripe");
        String intent = StripeWebhooks.newIntentId();
        Event refund = StripeWebhooks.refunded(intent, 299_00, true);

        SqlConnection holder = pool.getConnection().await().atMost(WAIT);
        Transaction hold = holder.begin().await().atMost(WAIT);
        CompletableFuture<Response> refunded;
        CompletableFuture<Response> confirmed;
        try {
            holder.preparedQuery("INSERT INTO webhook_events (provider, event_id) VALUES ('stripe', $1)")
                    .execute(Tuple.of(refund.getId())).await().atMost(WAIT);
            refunded = CompletableFuture.supplyAsync(() -> StripeWebhooks.signed(refund).post());
            await().atMost(WAIT).until(() -> waiting("transactionid", "INSERT INTO webhook_events%") == 1);

            confirmed = CompletableFuture.supplyAsync(() -> StripeWebhooks.signed(
                    StripeWebhooks.succeeded(intent, payment.reference(), 299_00, "thb")).post());
            // The confirmation either waits for the refund (the fix) or is done already (the race as it was).
            await().atMost(WAIT).until(() -> confirmed.isDone() || waiting("advisory", "%pg_advisory_xact_lock%") == 1);
        } finally {
            hold.rollback().await().atMost(WAIT);
            holder.close().await().atMost(WAIT);
        }

        assertThat(refunded.get().statusCode()).isEqualTo(200);
        confirmed.get().then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("refunded");
        assertThat(PaymentsTestSupport.reversals(pool, payment.id())).isEqualTo(1);
        await().atMost(WAIT).until(() -> PaymentsApi.balance(user) == before);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM parked_events WHERE provider_payment_id = $1 AND released_at IS NULL", intent))
                .isZero();
    }

    /** A card declined, then the refund of the retried charge arrives before that charge's success. */
    @Test
    void aRefundArrivingWhileThePaymentIsFailedIsKeptAndAppliedWhenAConfirmationFollows() {
        String user = PaymentsApi.newUser("failed-then-refunded");
        long before = PaymentsApi.balance(user);
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-popular", "stripe");
        String intent = StripeWebhooks.newIntentId();
        StripeWebhooks.signed(StripeWebhooks.failed(intent, payment.reference(), 299_00, "thb")).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));

        StripeWebhooks.signed(StripeWebhooks.refunded(intent, 299_00, true)).post()
                .then().statusCode(200).body("outcome", equalTo("out_of_order"));
        StripeWebhooks.signed(StripeWebhooks.succeeded(intent, payment.reference(), 299_00, "thb")).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));

        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("refunded");
        assertThat(PaymentsTestSupport.confirmations(pool, payment.id())).isEqualTo(1);
        assertThat(PaymentsTestSupport.reversals(pool, payment.id())).isEqualTo(1);
        await().atMost(WAIT).until(() -> PaymentsApi.balance(user) == before);
    }

    /** The first QR code expired (failed, id T1); the customer paid a new one for the same payment (id T2). */
    @Test
    void aRetryThatSucceedsUnderANewProviderIdAfterAFailedAttemptIsCredited() {
        String user = PaymentsApi.newUser("second-attempt");
        long before = PaymentsApi.balance(user);
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-popular", "stripe");
        StripeWebhooks.signed(StripeWebhooks.failed(StripeWebhooks.newIntentId(), payment.reference(), 299_00, "thb"))
                .post().then().statusCode(200).body("outcome", equalTo("applied"));

        String retry = StripeWebhooks.newIntentId();
        StripeWebhooks.signed(StripeWebhooks.succeeded(retry, payment.reference(), 299_00, "thb")).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));

        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("confirmed");
        PaymentsApi.awaitCredited(user, payment.id());
        assertThat(PaymentsApi.balance(user)).isEqualTo(before + 10);
        // A refund of the attempt that succeeded finds the payment by that attempt's id.
        StripeWebhooks.signed(StripeWebhooks.refunded(retry, 299_00, true)).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));
    }

    /** Two PaymentIntents both succeeded for one payment: the second is money to give back, and says so. */
    @Test
    void aSecondSuccessfulChargeIsAMismatchForAnOperatorNotADuplicate() {
        String user = PaymentsApi.newUser("charged-twice");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-popular", "stripe");
        StripeWebhooks.signed(StripeWebhooks.succeeded(StripeWebhooks.newIntentId(), payment.reference(), 299_00, "thb"))
                .post().then().statusCode(200).body("outcome", equalTo("applied"));

        String second = StripeWebhooks.newIntentId();
        StripeWebhooks.signed(StripeWebhooks.succeeded(second, payment.reference(), 299_00, "thb")).post()
                .then().statusCode(200).body("outcome", equalTo("mismatch"));
        PaymentsApi.admin("/payments/admin/webhooks?outcome=mismatch&provider=stripe").then().statusCode(200);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM webhook_deliveries WHERE outcome = 'mismatch'"
                + " AND payment_id = $1 AND detail LIKE $2", payment.id(), "a second successful charge " + second + "%"))
                .isEqualTo(1);
        assertThat(PaymentsTestSupport.confirmations(pool, payment.id())).isEqualTo(1);
    }

    @Test
    void aPartialRefundShowsAsIgnoredWithItsPaymentInTheAdminView() {
        String user = PaymentsApi.newUser("partly-refunded");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-popular", "stripe");
        String intent = StripeWebhooks.newIntentId();
        StripeWebhooks.signed(StripeWebhooks.succeeded(intent, payment.reference(), 299_00, "thb")).post()
                .then().statusCode(200);

        Event partial = StripeWebhooks.refunded(intent, 299_00, false);
        StripeWebhooks.signed(partial).post().then().statusCode(200).body("outcome", equalTo("ignored"));
        StripeWebhooks.signed(partial).post().then().statusCode(200).body("outcome", equalTo("duplicate"));

        Map<String, Object> shown = PaymentsApi.admin("/payments/admin/webhooks?outcome=ignored&provider=stripe&limit=500")
                .then().statusCode(200).extract().jsonPath().<Map<String, Object>>getList("deliveries").stream()
                .filter(d -> partial.getId().equals(d.get("eventId"))).findFirst().orElseThrow();
        assertThat(shown).containsEntry("paymentId", payment.id().toString());
        assertThat((String) shown.get("detail")).startsWith("partial refund of 14950");
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("confirmed");
    }

    /** Backends of this database blocked on a lock of the given kind while running a statement like {@code query}. */
    private long waiting(String lock, String query) {
        return TestSql.count(pool, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND wait_event = $1 AND query LIKE $2 AND datname = current_database()", lock, query);
    }
}
