package io.tally.credits;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tally.common.events.EventTypes;
import io.tally.common.events.payments.PaymentConfirmed;
import io.tally.common.events.payments.PaymentReversed;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Debt behaves (reviews: ledger M3, M7, M2): every credit to an account in debt repays the debt first, the entries'
 * running balances stay continuous, and an admin can forgive debt once per key.
 */
@QuarkusTest
class DebtTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Entries whose balance_after is not the previous balance_after of the same book plus their amount. */
    private static final String BROKEN_RUNNING_BALANCES = """
            SELECT count(*) FROM (
                SELECT amount, balance_after,
                       coalesce(lag(balance_after) OVER (PARTITION BY book ORDER BY id), 0) AS before
                  FROM ledger_entries WHERE user_id = $1) e
             WHERE balance_after <> before + amount
            """;

    @Inject
    Pool pool;

    /** Balance 0 and debt 30: 100 signup credits, a grant of 50, 130 spent, then the grant charged back. */
    private String inDebtBy30() {
        String user = CreditsApi.newUser("debtor");
        CreditsApi.me(user).then().statusCode(200);
        UUID payment = UUID.randomUUID();
        CreditsApi.publish(EventTypes.PAYMENT_CONFIRMED, new PaymentConfirmed(payment, user, 50, 9900, "THB", "stripe", 1));
        await().atMost(WAIT).until(() -> CreditsApi.balance(user) == 150);
        CreditsApi.charge(UUID.randomUUID(), user, 130).then().statusCode(201);
        CreditsApi.publish(EventTypes.PAYMENT_REVERSED, new PaymentReversed(payment, user, 50, "charged_back", "stripe", 1));
        await().atMost(WAIT).until(() -> CreditsApi.debt(user) == 30);
        return user;
    }

    @Test
    void aRefundRepaysDebtFirst() {
        String user = CreditsApi.newUser("refunded-debtor");
        CreditsApi.me(user).then().statusCode(200);
        UUID payment = UUID.randomUUID();
        CreditsApi.publish(EventTypes.PAYMENT_CONFIRMED, new PaymentConfirmed(payment, user, 50, 9900, "THB", "stripe", 1));
        await().atMost(WAIT).until(() -> CreditsApi.balance(user) == 150);
        UUID job = UUID.randomUUID();
        CreditsApi.charge(job, user, 130).then().statusCode(201);
        CreditsApi.publish(EventTypes.PAYMENT_REVERSED, new PaymentReversed(payment, user, 50, "charged_back", "stripe", 1));
        await().atMost(WAIT).until(() -> CreditsApi.debt(user) == 30);

        // The job fails and its 130 credits come back: 30 of them pay the debt, and the user can spend again.
        CreditsApi.refund(job, user).then().statusCode(201).body("balanceAfter", equalTo(100));
        assertThat(CreditsApi.debt(user)).isZero();
        assertThat(CreditsApi.balance(user)).isEqualTo(100);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM ledger_transactions WHERE idempotency_key = $1",
                "job:" + job + ":refund:debt-repayment")).isEqualTo(1);
        CreditsApi.charge(UUID.randomUUID(), user, 1).then().statusCode(201);
        assertThat(TestSql.count(pool, BROKEN_RUNNING_BALANCES, user)).isZero();
    }

    @Test
    void anAdjustmentRepaysDebtFirst() {
        String user = inDebtBy30();
        CreditsApi.adjust(user, 20).then().statusCode(201).body("debtRepaid", equalTo(20)).body("balanceAfter", equalTo(0));
        assertThat(CreditsApi.debt(user)).isEqualTo(10);
        CreditsApi.adjust(user, 25).then().statusCode(201).body("debtRepaid", equalTo(10)).body("balanceAfter", equalTo(15));
        assertThat(CreditsApi.debt(user)).isZero();
        assertThat(CreditsApi.balance(user)).isEqualTo(15);
        assertThat(TestSql.count(pool, BROKEN_RUNNING_BALANCES, user)).isZero();
    }

    /** The statement's newest line shows the balance /credits/me shows, and every line follows from the one before. */
    @Test
    void aGrantThatRepaysDebtKeepsTheStatementsRunningBalance() {
        String user = inDebtBy30();
        CreditsApi.publish(EventTypes.PAYMENT_CONFIRMED, new PaymentConfirmed(UUID.randomUUID(), user, 100, 29900, "THB", "stripe", 1));
        await().atMost(WAIT).until(() -> CreditsApi.debt(user) == 0);
        assertThat(CreditsApi.balance(user)).isEqualTo(70);
        assertThat(TestSql.count(pool, BROKEN_RUNNING_BALANCES, user)).isZero();
        // The newest spendable line is the repayment, and it shows what /credits/me shows.
        Response statement = given().header("Authorization", TestTokens.bearer(user, "user"))
                .when().get("/credits/me/ledger?limit=5");
        statement.then().statusCode(200);
        Map<String, Object> newestSpendable = statement.jsonPath().<Map<String, Object>>getList("entries").stream()
                .filter(line -> "spendable".equals(line.get("book"))).findFirst().orElseThrow();
        assertThat(newestSpendable).containsEntry("kind", "debt_repayment").containsEntry("balanceAfter", 70);
    }

    @Test
    void anAdminForgivesDebtWithAReasonOncePerKey() {
        String user = inDebtBy30();
        String key = UUID.randomUUID().toString();
        forgive(user, key, 40, "clawback in error").then().statusCode(422)
                .body("type", equalTo("https://tally.dev/problems/forgiveness-exceeds-debt")).body("debt", equalTo(30));

        // The same form sent five times at once: one transaction, the same answer.
        CompletableFuture.allOf(IntStream.range(0, 5).mapToObj(i -> CompletableFuture.runAsync(() ->
                        forgive(user, key, 30, "clawback in error").then().statusCode(201).body("debtAfter", equalTo(0))))
                .toArray(CompletableFuture[]::new)).join();
        assertThat(CreditsApi.debt(user)).isZero();
        assertThat(TestSql.count(pool, "SELECT count(*) FROM ledger_transactions WHERE user_id = $1"
                + " AND kind = 'debt_forgiveness' AND metadata->>'reason' = 'clawback in error'"
                + " AND metadata->>'adminId' = 'ops-admin'", user)).isEqualTo(1);
        forgive(user, key, 25, "another amount").then().statusCode(409);
        CreditsApi.charge(UUID.randomUUID(), user, 1).then().statusCode(402).body("reason", equalTo("insufficient_credits"));
        assertThat(TestSql.count(pool, BROKEN_RUNNING_BALANCES, user)).isZero();

        forgive("never-seen-" + UUID.randomUUID(), UUID.randomUUID().toString(), 1, "typo").then().statusCode(404);
        given().header("Authorization", TestTokens.bearer(user, "user")).header("Idempotency-Key", "k")
                .contentType("application/json").body(Map.of("amount", 1, "reason", "self-service"))
                .when().post("/credits/admin/accounts/" + user + "/forgive-debt").then().statusCode(403);
    }

    private static Response forgive(String user, String key, long amount, String reason) {
        return given().header("Authorization", TestTokens.bearer("ops-admin", "admin"))
                .header("Idempotency-Key", key)
                .contentType("application/json")
                .body(Map.of("amount", amount, "reason", reason))
                .when().post("/credits/admin/accounts/" + user + "/forgive-debt");
    }
}
