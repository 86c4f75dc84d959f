package io.tally.payments;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.TestSql;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Hostile and broken deliveries: refused with problem+json, logged, and nothing else changes. */
@QuarkusTest
class WebhookInputTest {

    @Inject
    Pool pool;

    @Test
    void aValidlySignedBodyThatIsNotJsonIsRefusedAndLogged() {
        String marker = "broken-" + UUID.randomUUID();
        OpnWebhooks.signed("{\"object\": \"event\", \"id\": \"" + marker + "\", oops").post().then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://tally.dev/problems/malformed-webhook"));
        assertThat(PaymentsTestSupport.deliveries(pool, "opn", "rejected_malformed", marker)).isEqualTo(1);
    }

    @Test
    void anOversizedBodyIsRefusedWith413AndLogged() {
        String marker = "huge-" + UUID.randomUUID();
        String body = "{\"id\":\"" + marker + "\",\"padding\":\"" + "x".repeat(300_000) + "\"}";
        OpnWebhooks.signed(body).post().then().statusCode(413)
                .contentType("application/problem+json");
        assertThat(PaymentsTestSupport.deliveries(pool, "opn", "rejected_malformed", marker)).isEqualTo(1);
    }

    @Test
    void controlCharactersAndNulBytesAreLoggedNotFatal() {
        String marker = "nul-" + UUID.randomUUID();
        given().header("Stripe-Signature", "t=1,v1=00").contentType("application/json")
                .body(("{\"id\":\"" + marker + "\u0000\u0007\",\"type\":\"x\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/webhooks/stripe").then().statusCode(400).contentType("application/problem+json");
        assertThat(PaymentsTestSupport.deliveries(pool, "stripe", "rejected_signature", marker)).isEqualTo(1);
    }

    @Test
    void anUnknownProviderIsNotFound() {
        given().contentType("application/json").body("{}").when().post("/webhooks/paypal").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void aSignedEventForAnUnknownPaymentChangesNothingAndCanBeRetried() {
        String reference = UUID.randomUUID().toString();
        String chargeId = OpnWebhooks.newChargeId();
        String charge = OpnWebhooks.charge(chargeId, "promptpay", "successful", 99_00, reference, 0);
        OpnWebhooks.atOpn(chargeId, charge);
        Delivery delivery = OpnWebhooks.signed(OpnWebhooks.event("charge.complete", charge));
        delivery.post().then().statusCode(200).body("outcome", equalTo("unknown_payment"));
        delivery.post().then().statusCode(200).body("outcome", equalTo("unknown_payment"));
        assertThat(TestSql.count(pool, "SELECT count(*) FROM webhook_events WHERE event_id IN "
                + "(SELECT event_id FROM webhook_deliveries WHERE strpos(raw_payload, $1) > 0)", reference)).isZero();
    }
}
