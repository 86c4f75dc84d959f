package io.tally.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.TestSql;
import io.tally.payments.payment.PaymentJanitor;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Expiry, late confirmation, and the operator's views: webhook log and unreconciled payments. */
@QuarkusTest
class PaymentLifecycleTest {

    @Inject
    Pool pool;

    @Inject
    PaymentJanitor janitor;

    @Test
    void theJanitorExpiresStalePendingPaymentsAndALateConfirmationStillCounts() {
        String user = PaymentsApi.newUser("slow-payer");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-starter", "stripe");
        TestSql.execute(pool, "UPDATE payments SET expires_at = now() - interval '1 second' WHERE id = $1", payment.id());

        assertThat(janitor.runOnce().await().atMost(Duration.ofSeconds(10))).isGreaterThanOrEqualTo(1);
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("expired");

        // The customer paid after all: the money moved, so the credits are theirs.
        StripeWebhooks.signed(StripeWebhooks.succeeded(StripeWebhooks.newIntentId(), payment.reference(), 99_00, "thb"))
                .post().then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("confirmed");
    }

    @Test
    void theWebhookLogCanBeFilteredByOutcome() {
        String user = PaymentsApi.newUser("logged");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-starter", "stripe");
        Delivery delivery = StripeWebhooks.signed(StripeWebhooks.succeeded(StripeWebhooks.newIntentId(),
                payment.reference(), 99_00, "thb"));
        delivery.post().then().statusCode(200);
        delivery.post().then().statusCode(200);

        PaymentsApi.admin("/payments/admin/webhooks?outcome=duplicate&provider=stripe").then().statusCode(200)
                .body("deliveries.paymentId", hasItem(payment.id().toString()))
                .body("deliveries.outcome", org.hamcrest.Matchers.everyItem(equalTo("duplicate")));
        PaymentsApi.admin("/payments/admin/webhooks?outcome=bogus").then().statusCode(400);

        // An operator answering "I paid and got no coins": the user's payments, then one with its whole story.
        PaymentsApi.admin("/payments/admin/users/" + user + "/payments").then().statusCode(200)
                .body("payments.id", org.hamcrest.Matchers.contains(payment.id().toString()));
        PaymentsApi.admin("/payments/admin/payments/" + payment.id()).then().statusCode(200)
                .body("payment.status", equalTo("confirmed"))
                .body("transitions.toStatus", hasItem("confirmed"))
                .body("deliveries.outcome", org.hamcrest.Matchers.contains("applied", "duplicate"));
        PaymentsApi.admin("/payments/admin/users/" + PaymentsApi.newUser("never-paid") + "/payments")
                .then().statusCode(404);
        PaymentsApi.admin("/payments/admin/payments/" + UUID.randomUUID()).then().statusCode(404);
        PaymentsApi.admin("/payments/admin/webhooks").then().statusCode(200);
        io.restassured.RestAssured.given().header("Authorization",
                        io.tally.common.testing.TestTokens.bearer(user, "user"))
                .when().get("/payments/admin/webhooks").then().statusCode(403);
    }

    @Test
    void aConfirmedPaymentWhoseGrantNeverLandedIsUnreconciled() {
        String user = PaymentsApi.newUser("unreconciled");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-starter", "stripe");
        StripeWebhooks.signed(StripeWebhooks.succeeded(StripeWebhooks.newIntentId(), payment.reference(), 99_00, "thb"))
                .post().then().statusCode(200);
        PaymentsApi.awaitCredited(user, payment.id());
        PaymentsApi.admin("/payments/admin/unreconciled?olderThanSeconds=0").then().statusCode(200)
                .body("payments.paymentId", org.hamcrest.Matchers.not(hasItem(payment.id().toString())));

        // As if credits-service had never answered.
        TestSql.execute(pool, "UPDATE payments SET credited_cycle = 0 WHERE id = $1", payment.id());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                PaymentsApi.admin("/payments/admin/unreconciled?olderThanSeconds=0").then().statusCode(200)
                        .body("payments.find { it.paymentId == '" + payment.id() + "' }.problem", equalTo("not_credited")));
        TestSql.execute(pool, "UPDATE payments SET credited_cycle = cycle WHERE id = $1", payment.id());
    }

    @Test
    void unknownIdsAreNotFound() {
        PaymentsApi.payment(PaymentsApi.newUser("nobody"), UUID.randomUUID()).then().statusCode(404);
        PaymentsApi.payment(PaymentsApi.newUser("nobody"), null).then().statusCode(404);
    }
}
