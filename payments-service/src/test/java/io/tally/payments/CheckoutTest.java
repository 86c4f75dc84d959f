package io.tally.payments;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.tally.common.testing.TestTokens;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Checkout: pending payments with fixed terms, idempotency, refusals, ownership and paging. */
@QuarkusTest
class CheckoutTest {

    @Test
    void checkoutFixesTheTermsAndReplaysForTheSameKey() {
        String user = PaymentsApi.newUser("checkout");
        String key = UUID.randomUUID().toString();

        JsonPath first = PaymentsApi.checkout(user, "thb-pro", "stripe", key).then().statusCode(201)
                .body("status", equalTo("pending")).body("credits", equalTo(25)).body("amountMinor", equalTo(69900))
                .body("currency", equalTo("THB")).body("provider", equalTo("stripe")).extract().jsonPath();
        assertThat(first.getString("reference")).isNotBlank().isNotEqualTo(first.getString("id"));

        PaymentsApi.checkout(user, "thb-pro", "stripe", key).then().statusCode(201)
                .header("Idempotent-Replayed", "true").body("id", equalTo(first.getString("id")));
        PaymentsApi.checkout(user, "thb-business", "stripe", key).then().statusCode(409);
    }

    @Test
    void unknownInactiveAndUnsuitablePackagesAreRefused() {
        String user = PaymentsApi.newUser("refused");
        PaymentsApi.checkout(user, "no-such-package", "stripe").then().statusCode(404)
                .contentType("application/problem+json");
        String code = "test-" + UUID.randomUUID().toString().substring(0, 8);
        given().header("Authorization", TestTokens.bearer("ops", "admin")).contentType(ContentType.JSON)
                .body(Map.of("code", code, "name", "Old", "credits", 5, "priceMinor", 500, "currency", "USD"))
                .when().post("/payments/admin/packages").then().statusCode(201);
        given().header("Authorization", TestTokens.bearer("ops", "admin")).when()
                .post("/payments/admin/packages/" + code + "/deactivate").then().statusCode(200);

        PaymentsApi.checkout(user, code, "stripe").then().statusCode(422)
                .body("type", equalTo("https://tally.dev/problems/package-inactive"));
        PaymentsApi.checkout(user, "usd-starter", "promptpay").then().statusCode(422)
                .body("type", equalTo("https://tally.dev/problems/provider-currency"));
        PaymentsApi.checkout(user, "thb-pro", "paypal").then().statusCode(400).body("errors[0].field", equalTo("provider"));
        PaymentsApi.checkout(user, "thb-pro", "stripe", "").then().statusCode(400);
    }

    @Test
    void theFreeTrialIsConfirmedAtOnceAndOnlyOncePerUser() {
        String user = PaymentsApi.newUser("trial");
        long before = PaymentsApi.balance(user);
        UUID trial = UUID.fromString(PaymentsApi.checkout(user, "thb-trial", null).then().statusCode(201)
                .body("status", equalTo("confirmed")).body("provider", equalTo("free")).extract().path("id"));

        PaymentsApi.awaitCredited(user, trial);
        assertThat(PaymentsApi.balance(user)).isEqualTo(before + 1);
        PaymentsApi.checkout(user, "thb-trial", null).then().statusCode(409)
                .body("type", equalTo("https://tally.dev/problems/free-package-claimed"));
    }

    @Test
    void anotherUsersPaymentIsNotFound() {
        PaymentsApi.Pending payment = PaymentsApi.pending(PaymentsApi.newUser("owner"), "thb-starter", "stripe");
        PaymentsApi.payment(PaymentsApi.newUser("snoop"), payment.id()).then().statusCode(404);
        given().when().get("/payments/" + payment.id()).then().statusCode(401);
    }

    @Test
    void paymentsAreListedNewestFirstPageByPage() {
        String user = PaymentsApi.newUser("lister");
        for (int i = 0; i < 3; i++) {
            PaymentsApi.pending(user, "thb-starter", "stripe");
        }
        JsonPath first = given().header("Authorization", TestTokens.bearer(user, "user"))
                .when().get("/payments?limit=2").then().statusCode(200).extract().jsonPath();
        assertThat(first.getList("payments")).hasSize(2);
        JsonPath second = given().header("Authorization", TestTokens.bearer(user, "user"))
                .when().get("/payments?limit=2&cursor=" + first.getString("nextCursor")).then().statusCode(200)
                .extract().jsonPath();
        assertThat(second.getList("payments")).hasSize(1);
        assertThat(second.getString("nextCursor")).isNull();
        given().header("Authorization", TestTokens.bearer(user, "user")).when().get("/payments?cursor=garbage")
                .then().statusCode(400);
    }
}
