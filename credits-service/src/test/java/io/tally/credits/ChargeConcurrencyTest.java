package io.tally.credits;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tally.common.testing.TestSql;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ChargeConcurrencyTest {

    @Inject
    Pool pool;

    @Test
    void twoHundredConcurrentChargesOfFifteenAgainstAThousandCredits() {
        String user = CreditsApi.newUser("hot");
        CreditsApi.fund(user, 1000);

        ExecutorService callers = Executors.newFixedThreadPool(50);
        List<UUID> jobs = IntStream.range(0, 200).mapToObj(i -> UUID.randomUUID()).toList();
        List<Response> responses;
        try {
            List<CompletableFuture<Response>> calls = jobs.stream()
                    .map(job -> CompletableFuture.supplyAsync(() -> CreditsApi.charge(job, user, 15), callers))
                    .toList();
            responses = calls.stream().map(CompletableFuture::join).toList();
        } finally {
            callers.shutdown();
        }

        assertThat(responses.stream().filter(r -> r.statusCode() == 201)).hasSize(66);
        List<Response> refused = responses.stream().filter(r -> r.statusCode() != 201).toList();
        assertThat(refused).hasSize(134).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(402);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.jsonPath().getLong("needed")).isEqualTo(15);
            assertThat(r.jsonPath().getLong("available")).isBetween(0L, 14L);
        });
        assertThat(CreditsApi.balance(user)).isEqualTo(10);
        assertThat(TestSql.count(pool, "SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE user_id = $1 AND book = 'spendable'", user))
                .isEqualTo(10);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM ledger_transactions WHERE user_id = $1 AND kind = 'charge'"
                + " AND reference = ANY($2)", user, jobs.stream().map(UUID::toString).toArray(String[]::new)))
                .isEqualTo(66);
        assertThat(TestSql.count(pool, """
                SELECT count(*) FROM (SELECT transaction_id FROM ledger_entries e
                  JOIN ledger_transactions t ON t.id = e.transaction_id WHERE t.user_id = $1
                 GROUP BY transaction_id HAVING sum(e.amount) <> 0) unbalanced
                """, user)).isZero();
    }

    @Test
    void concurrentFirstCallsOpenTheAccountWithOneSignupBonus() {
        String user = CreditsApi.newUser("first-sight");
        List<CompletableFuture<Response>> calls = IntStream.range(0, 20)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> CreditsApi.me(user))).toList();
        calls.forEach(call -> assertThat(call.join().statusCode()).isEqualTo(200));

        assertThat(TestSql.count(pool, "SELECT count(*) FROM ledger_transactions WHERE user_id = $1 AND kind = 'signup_bonus'", user))
                .isEqualTo(1);
        assertThat(CreditsApi.balance(user)).isEqualTo(100);
    }

    @Test
    void aRepeatedChargeReplaysAndAnotherAmountForTheSameJobConflicts() {
        String user = CreditsApi.newUser("replay");
        CreditsApi.fund(user, 100);
        UUID job = UUID.randomUUID();

        String first = CreditsApi.charge(job, user, 15).then().statusCode(201).extract().path("transactionId");
        Response again = CreditsApi.charge(job, user, 15);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.<String>path("transactionId")).isEqualTo(first);
        CreditsApi.charge(job, user, 16).then().statusCode(409);
        assertThat(CreditsApi.balance(user)).isEqualTo(85);
    }
}
