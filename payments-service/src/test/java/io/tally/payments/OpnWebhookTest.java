package io.tally.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PromptPay and TrueMoney through Opn Payments: Opn's signature scheme, and every charge confirmed with Opn's API
 * (a local stand-in, {@link OpnStandIn}) before it counts.
 */
@QuarkusTest
@QuarkusTestResource(OpnStandIn.class)
class OpnWebhookTest {

    @Inject
    Pool pool;

    @ParameterizedTest
    @ValueSource(strings = {"promptpay", "truemoney"})
    void aSuccessfulChargeConfirmsAndAFullRefundReverses(String provider) {
        String user = PaymentsApi.newUser("opn-" + provider);
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-popular", provider);
        String chargeId = OpnWebhooks.newChargeId();
        String charge = OpnWebhooks.charge(chargeId, provider, "successful", 299_00, payment.reference(), 0);
        OpnWebhooks.atOpn(chargeId, charge);

        OpnWebhooks.signed(OpnWebhooks.event("charge.complete", charge)).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("confirmed");

        OpnWebhooks.atOpn(chargeId, OpnWebhooks.charge(chargeId, provider, "successful", 299_00, payment.reference(),
                299_00));
        OpnWebhooks.signed(OpnWebhooks.event("refund.create", OpnWebhooks.refund(chargeId, 299_00))).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("refunded");
        assertThat(PaymentsTestSupport.reversals(pool, payment.id())).isEqualTo(1);
    }

    @Test
    void theChargeAsOpnHasItDecidesNotTheWebhooksCopy() {
        String user = PaymentsApi.newUser("opn-copy");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-popular", "promptpay");
        String chargeId = OpnWebhooks.newChargeId();
        // Opn says the QR code was never paid; the delivery's own copy claims it was.
        OpnWebhooks.atOpn(chargeId, OpnWebhooks.charge(chargeId, "promptpay", "pending", 299_00, payment.reference(), 0));
        String claimed = OpnWebhooks.charge(chargeId, "promptpay", "successful", 299_00, payment.reference(), 0);
        OpnWebhooks.signed(OpnWebhooks.event("charge.complete", claimed)).post()
                .then().statusCode(200).body("outcome", equalTo("ignored"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");

        // Opn's charge failed: the payment fails, whatever the copy said.
        OpnWebhooks.atOpn(chargeId, OpnWebhooks.charge(chargeId, "promptpay", "failed", 299_00, payment.reference(), 0));
        OpnWebhooks.signed(OpnWebhooks.event("charge.complete", claimed)).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("failed");
    }

    @Test
    void aPartialRefundIsNotReversedAndAChargeOfAnotherMethodIsIgnored() {
        String user = PaymentsApi.newUser("opn-partial");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-popular", "truemoney");
        String chargeId = OpnWebhooks.newChargeId();
        String charge = OpnWebhooks.charge(chargeId, "truemoney", "successful", 299_00, payment.reference(), 0);
        OpnWebhooks.atOpn(chargeId, charge);
        OpnWebhooks.signed(OpnWebhooks.event("charge.complete", charge)).post().then().statusCode(200);
        OpnWebhooks.atOpn(chargeId, OpnWebhooks.charge(chargeId, "truemoney", "successful", 299_00, payment.reference(),
                100_00));
        OpnWebhooks.signed(OpnWebhooks.event("refund.create", OpnWebhooks.refund(chargeId, 100_00))).post()
                .then().statusCode(200).body("outcome", equalTo("ignored")).body("detail", containsString("partial"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("confirmed");

        // A card charge on the same Opn account is none of Tally's payments.
        String cardCharge = OpnWebhooks.newChargeId();
        String card = OpnWebhooks.charge(cardCharge, "card", "successful", 299_00, UUID.randomUUID().toString(), 0);
        OpnWebhooks.atOpn(cardCharge, card);
        OpnWebhooks.signed(OpnWebhooks.event("charge.complete", card)).post()
                .then().statusCode(200).body("outcome", equalTo("ignored"))
                .body("detail", containsString("not PromptPay or TrueMoney"));
    }

    @Test
    void forgedTamperedStaleAndOtherModeDeliveriesAreRefusedAndTheRollingSecretIsAccepted() {
        String user = PaymentsApi.newUser("opn-forger");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-pro", "promptpay");
        String chargeId = OpnWebhooks.newChargeId();
        String charge = OpnWebhooks.charge(chargeId, "promptpay", "successful", 699_00, payment.reference(), 0);
        OpnWebhooks.atOpn(chargeId, charge);
        String body = OpnWebhooks.event("charge.complete", charge);

        OpnWebhooks.signed(body).tampered("69900", "100").post().then().statusCode(400)
                .body("type", equalTo("https://tally.dev/problems/invalid-signature"));
        OpnWebhooks.signed(body, Instant.now().minusSeconds(600).getEpochSecond(), OpnWebhooks.SECRET).post()
                .then().statusCode(400);
        OpnWebhooks.signed(body, Instant.now().getEpochSecond(), "c29tZWJvZHkgZWxzZQ==").post().then().statusCode(400);
        OpnWebhooks.signed(body.replace("\"livemode\":false,\"location\":\"/events/",
                        "\"livemode\":true,\"location\":\"/events/")).post()
                .then().statusCode(400).body("detail", containsString("live-mode"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");
        assertThat(PaymentsTestSupport.deliveries(pool, "opn", "rejected_signature", payment.reference())).isEqualTo(3);

        // While a secret is rolled Opn signs with both; the previous one alone still counts.
        OpnWebhooks.signed(body, Instant.now().getEpochSecond(), OpnWebhooks.PREVIOUS_SECRET).post()
                .then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("confirmed");
    }

    @Test
    void aChargeOpnDoesNotKnowIsRefusedAndOpnDownIsA503ThatChangesNothing() {
        String unknown = OpnWebhooks.newChargeId();
        OpnWebhooks.signed(OpnWebhooks.event("charge.complete",
                        OpnWebhooks.charge(unknown, "promptpay", "successful", 99_00, UUID.randomUUID().toString(), 0)))
                .post().then().statusCode(400).body("detail", containsString("Opn knows no charge"));

        String user = PaymentsApi.newUser("opn-outage");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-popular", "promptpay");
        String outage = "chrg_test_outage" + UUID.randomUUID().toString().substring(0, 8);
        OpnWebhooks.signed(OpnWebhooks.event("charge.complete",
                        OpnWebhooks.charge(outage, "promptpay", "successful", 299_00, payment.reference(), 0)))
                .post().then().statusCode(503).header("Retry-After", "30")
                .body("type", equalTo("https://tally.dev/problems/provider-unavailable"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");
    }
}
