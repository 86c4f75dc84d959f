package io.tally.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PromptPay and TrueMoney: HMAC-SHA256 of timestamp + body, per-provider secrets. */
@QuarkusTest
class GatewayWebhookTest {

    @Inject
    Pool pool;

    @ParameterizedTest
    @ValueSource(strings = {"promptpay", "truemoney"})
    void aSignedPaymentConfirmsAndItsRefundReverses(String provider) {
        String user = PaymentsApi.newUser(provider);
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-popular", provider);
        String transaction = provider + "-" + UUID.randomUUID();

        GatewayWebhooks.signed(provider, GatewayWebhooks.body("payment.succeeded", payment.reference(), transaction, 299_00))
                .post().then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("confirmed");

        GatewayWebhooks.signed(provider, GatewayWebhooks.body("payment.refunded", payment.reference(), transaction, 299_00))
                .post().then().statusCode(200).body("outcome", equalTo("applied"));
        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("refunded");
        assertThat(PaymentsTestSupport.reversals(pool, payment.id())).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"promptpay", "truemoney"})
    void tamperedExpiredAndWronglySignedDeliveriesAreRefused(String provider) {
        String user = PaymentsApi.newUser(provider + "-forger");
        PaymentsApi.Pending payment = PaymentsApi.pending(user, "thb-pro", provider);
        String body = GatewayWebhooks.body("payment.succeeded", payment.reference(), "tx-" + UUID.randomUUID(), 699_00);
        String otherProvider = provider.equals("promptpay") ? "truemoney" : "promptpay";

        GatewayWebhooks.signed(provider, body).tampered("69900", "100").post().then().statusCode(400)
                .body("type", equalTo("https://tally.dev/problems/invalid-signature"));
        GatewayWebhooks.signed(provider, body, Instant.now().minusSeconds(600).getEpochSecond(),
                GatewayWebhooks.SECRETS.get(provider)).post().then().statusCode(400);
        // Each provider has its own secret: the other gateway's signature is not good here.
        GatewayWebhooks.signed(provider, body, Instant.now().getEpochSecond(), GatewayWebhooks.SECRETS.get(otherProvider))
                .post().then().statusCode(400);

        assertThat(PaymentsApi.status(user, payment.id())).isEqualTo("pending");
        assertThat(PaymentsTestSupport.deliveries(pool, provider, "rejected_signature", payment.reference())).isEqualTo(3);
    }
}
