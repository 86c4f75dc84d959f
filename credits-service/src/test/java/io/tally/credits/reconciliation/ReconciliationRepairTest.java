package io.tally.credits.reconciliation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A hand-written UPDATE of a cached balance is reported by the next run and stays reported until an admin repairs
 * the account from its entries (docs/operations.md, "Reconciliation drift").
 */
@QuarkusTest
class ReconciliationRepairTest {

    private static final String ADMIN = TestTokens.bearer("ops", "admin");

    @Inject
    Pool pool;

    @Inject
    ReconciliationJob job;

    @Inject
    ReconciliationRepository repository;

    @Inject
    MeterRegistry metrics;

    private void run() {
        job.runOnce().await().atMost(Duration.ofSeconds(60));
    }

    private double driftGauge() {
        return metrics.get("tally.credits.reconciliation.drift").gauge().value();
    }

    @Test
    void aHandWrittenUpdateIsReportedUntilTheAccountIsRepaired() {
        String user = "hand-edited-" + UUID.randomUUID();
        given().header("Authorization", TestTokens.bearer(user, "user")).when().get("/credits/me")
                .then().statusCode(200); // opens the account with its signup bonus
        long bonus = TestSql.count(pool, "SELECT balance FROM accounts WHERE user_id = $1", user);

        // Someone with database access mints credits by editing the cache, not the ledger.
        OffsetDateTime beforeEdit = OffsetDateTime.parse(TestSql.text(pool,
                "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
        TestSql.execute(pool, "UPDATE accounts SET balance = balance + 10000 WHERE user_id = $1", user);
        assertThat(repository.check(beforeEdit).await().atMost(Duration.ofSeconds(30)).accounts())
                .as("the edit moved updated_at (trigger), so a recent-window check from before it sees it")
                .extracting(ReconciliationReport.AccountDrift::userId).contains(user);
        run();
        assertThat(job.driftedAccounts()).contains(user);
        assertThat(driftGauge()).isGreaterThanOrEqualTo(1);
        run();
        assertThat(job.driftedAccounts()).as("still reported on the next run").contains(user);

        given().header("Authorization", ADMIN).contentType(ContentType.JSON)
                .body(Map.of("reason", "INC-42: balance edited by hand")).when()
                .post("/credits/admin/accounts/" + user + "/repair")
                .then().statusCode(200)
                .body("repaired", equalTo(true))
                .body("before.balance", equalTo((int) (bonus + 10_000)))
                .body("after.balance", equalTo((int) bonus));
        assertThat(TestSql.count(pool, "SELECT balance FROM accounts WHERE user_id = $1", user)).isEqualTo(bonus);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM account_repairs WHERE user_id = $1 AND repaired_by = 'ops'"
                + " AND reason = 'INC-42: balance edited by hand'", user)).isEqualTo(1);

        run();
        assertThat(job.driftedAccounts()).doesNotContain(user);
        // Repairing healthy books changes nothing and records nothing.
        given().header("Authorization", ADMIN).contentType(ContentType.JSON).body(Map.of("reason", "again"))
                .when().post("/credits/admin/accounts/" + user + "/repair")
                .then().statusCode(200).body("repaired", equalTo(false));
        assertThat(TestSql.count(pool, "SELECT count(*) FROM account_repairs WHERE user_id = $1", user)).isEqualTo(1);
    }

    @Test
    void onlyAnAdminRepairsAndOnlyWithAReason() {
        given().header("Authorization", TestTokens.bearer("someone", "user")).contentType(ContentType.JSON)
                .body(Map.of("reason", "mine")).when().post("/credits/admin/accounts/someone/repair")
                .then().statusCode(403);
        given().header("Authorization", ADMIN).contentType(ContentType.JSON).body(Map.of())
                .when().post("/credits/admin/accounts/someone/repair").then().statusCode(400);
        given().header("Authorization", ADMIN).contentType(ContentType.JSON).body(Map.of("reason", "typo"))
                .when().post("/credits/admin/accounts/nobody-" + UUID.randomUUID() + "/repair").then().statusCode(404);
    }
}
