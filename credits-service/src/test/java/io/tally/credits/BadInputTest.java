package io.tally.credits;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Malformed requests are 4xx problem+json and change nothing. */
@QuarkusTest
class BadInputTest {

    @Inject
    Pool pool;

    @Test
    void badChargesAreRefusedWithoutEffect() {
        String user = CreditsApi.newUser("bad-input");
        CreditsApi.fund(user, 100);
        long transactionsBefore = transactions();
        String job = UUID.randomUUID().toString();
        List<String> bodies = List.of(
                "{\"jobId\":\"" + job + "\",\"userId\":\"" + user + "\",\"amount\":0}",
                "{\"jobId\":\"" + job + "\",\"userId\":\"" + user + "\",\"amount\":-5}",
                "{\"jobId\":\"" + job + "\",\"userId\":\"" + user + "\",\"amount\":1000000001}",
                "{\"jobId\":\"" + job + "\",\"userId\":\"" + user + "\",\"amount\":99999999999999999999999}",
                "{\"jobId\":\"" + job + "\",\"userId\":\"" + user + "\",\"amount\":\"ten\"}",
                "{\"jobId\":\"not-a-uuid\",\"userId\":\"" + user + "\",\"amount\":5}",
                "{\"jobId\":\"" + job + "\",\"amount\":5}",
                "{\"jobId\":\"" + job + "\",\"userId\":\"" + user + "\",\"amount\":5,\"discount\":100}",
                "{\"jobId\":\"" + job + "\",\"userId\":\"" + user + "\",\"amount\":5",
                "[]",
                "",
                "{\"jobId\":\"" + job + "\",\"userId\":\"" + "x".repeat(200) + "\",\"amount\":5}");
        for (String body : bodies) {
            Response response = given().header("Authorization", TestTokens.bearer("jobs-backend", "service"))
                    .contentType("application/json").body(body).when().post("/credits/charges");
            assertThat(response.statusCode()).as(body).isBetween(400, 499);
            assertThat(response.contentType()).as(body).startsWith("application/problem+json");
        }
        assertThat(transactions()).isEqualTo(transactionsBefore);
        assertThat(CreditsApi.balance(user)).isEqualTo(100);
    }

    @Test
    void badGiftsAndAdjustmentsAreRefusedWithoutEffect() {
        String user = CreditsApi.newUser("bad-gift");
        CreditsApi.fund(user, 100);
        long transactionsBefore = transactions();
        String token = TestTokens.bearer(user, "user");
        for (String body : List.of("{\"recipientId\":\"bob\",\"giftType\":\"rose\",\"quantity\":0}",
                "{\"recipientId\":\"bob\",\"giftType\":\"rose\",\"quantity\":101}",
                "{\"recipientId\":\"bob\",\"giftType\":\"Rose; DROP TABLE accounts\"}",
                "{\"recipientId\":\"\",\"giftType\":\"rose\"}",
                "{\"giftType\":\"rose\"}",
                // Read strictly: 1.5 roses are not one rose, "2" is not a number, and a lone surrogate is no id.
                "{\"recipientId\":\"bob\",\"giftType\":\"rose\",\"quantity\":1.5}",
                "{\"recipientId\":\"bob\",\"giftType\":\"rose\",\"quantity\":\"2\"}",
                "{\"recipientId\":\"bob\\ud800\",\"giftType\":\"rose\"}")) {
            given().header("Authorization", token).header("Idempotency-Key", UUID.randomUUID().toString())
                    .contentType("application/json").body(body).when().post("/credits/gifts")
                    .then().statusCode(400).contentType("application/problem+json");
        }
        given().header("Authorization", token).contentType("application/json")
                .body("{\"recipientId\":\"bob\",\"giftType\":\"rose\"}").when().post("/credits/gifts")
                .then().statusCode(400).body("type", org.hamcrest.Matchers.endsWith("idempotency-key-missing"));
        String admin = TestTokens.bearer("ops", "admin");
        given().header("Authorization", admin).header("Idempotency-Key", "adj-" + UUID.randomUUID())
                .contentType("application/json").body("{\"userId\":\"" + user + "\",\"amount\":0,\"reason\":\"x\"}")
                .when().post("/credits/adjustments").then().statusCode(400);
        given().header("Authorization", admin).header("Idempotency-Key", "adj-" + UUID.randomUUID())
                .contentType("application/json").body("{\"userId\":\"" + user + "\",\"amount\":5}")
                .when().post("/credits/adjustments").then().statusCode(400);
        given().header("Authorization", admin).header("Idempotency-Key", "adj-" + UUID.randomUUID())
                .contentType("application/json").body("{\"userId\":\"" + user + "\",\"amount\":-101,\"reason\":\"too much\"}")
                .when().post("/credits/adjustments").then().statusCode(422);
        given().header("Authorization", token).when().get("/credits/me/ledger?limit=0").then().statusCode(400);
        given().header("Authorization", token).when().get("/credits/me/ledger?cursor=abc").then().statusCode(400);
        given().header("Authorization", token).when().get("/credits/me/ledger?kind=theft").then().statusCode(400);

        assertThat(transactions()).isEqualTo(transactionsBefore);
        assertThat(CreditsApi.balance(user)).isEqualTo(100);
    }

    private long transactions() {
        return TestSql.count(pool, "SELECT count(*) FROM ledger_transactions");
    }
}
