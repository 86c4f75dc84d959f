package io.tally.credits.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.tally.common.testing.SchemaRoles;
import io.tally.credits.reconciliation.ReconciliationReport.AccountDrift;
import io.tally.credits.reconciliation.ReconciliationReport.UnbalancedTransaction;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The checks find what they exist for. The broken books are written in a transaction that is rolled back after
 * the checks read them on the same connection, so no other test ever sees them. The database refuses an unbalanced
 * ledger transaction from the service's role (LedgerImmutabilityTest), so they are written as the schema's owner
 * with the balance trigger switched off inside that transaction: the damage only a hand with more power than the
 * service could do, which is what reconciliation is left to find.
 */
@QuarkusTest
class ReconciliationDriftTest {

    @Inject
    Vertx vertx;

    @Inject
    ReconciliationRepository repository;

    /** Thrown to roll the test's transaction back once the reports are taken. */
    private static final class RollBack extends RuntimeException {
    }

    @Test
    void anUnbalancedTransactionAndADriftedAccountAreFound_byTheRecentCheckOnlyInsideItsWindow() {
        String user = "drift-" + UUID.randomUUID();
        UUID transaction = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<ReconciliationReport> reports = new ArrayList<>();

        Pool pool = SchemaRoles.OWNER.reactivePool(vertx);
        pool.withTransaction(conn -> conn.query("ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_balance")
                        .execute().chain(() -> brokenBooks(conn, user, transaction))
                        .chain(() -> repository.check(conn, null)).invoke(reports::add)
                        .chain(() -> repository.check(conn, now.minusMinutes(5))).invoke(reports::add)
                        .chain(() -> repository.check(conn, now.plusMinutes(5))).invoke(reports::add)
                        .chain(() -> Uni.createFrom().<Void>failure(new RollBack())))
                .onFailure(RollBack.class).recoverWithNull()
                .eventually(pool::close)
                .await().atMost(Duration.ofSeconds(30));

        ReconciliationReport everything = reports.get(0);
        ReconciliationReport recent = reports.get(1);
        ReconciliationReport later = reports.get(2);
        for (ReconciliationReport report : List.of(everything, recent)) {
            assertThat(report.healthy()).isFalse();
            assertThat(report.accounts()).extracting(AccountDrift::userId).contains(user);
            assertThat(report.accounts()).filteredOn(drift -> drift.userId().equals(user))
                    .singleElement().satisfies(drift -> {
                        assertThat(drift.balance()).isEqualTo(50);
                        assertThat(drift.ledgerBalance()).isEqualTo(40);
                    });
            assertThat(report.transactions()).contains(new UnbalancedTransaction(transaction, 40));
        }
        assertThat(later.accounts()).extracting(AccountDrift::userId).doesNotContain(user);
        assertThat(later.transactions()).extracting(UnbalancedTransaction::transactionId).doesNotContain(transaction);
    }

    /**
     * updated_at moves by whole minutes (so repeated writes within a minute can be HOT updates): an account changed by
     * hand is in every recent check whose window starts within that minute, and in none that starts after it.
     */
    @Test
    void anAccountChangedByHandIsInEveryWindowStartingInTheMinuteOfTheChange() {
        String user = "drift-" + UUID.randomUUID();
        UUID transaction = UUID.randomUUID();
        List<ReconciliationReport> reports = new ArrayList<>();
        List<OffsetDateTime> touched = new ArrayList<>();

        Pool pool = SchemaRoles.OWNER.reactivePool(vertx);
        pool.withTransaction(conn -> conn.query("ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_balance")
                        .execute().chain(() -> brokenBooks(conn, user, transaction))
                        .chain(() -> conn.preparedQuery("UPDATE accounts SET balance = 60 WHERE user_id = $1 "
                                + "RETURNING updated_at").execute(Tuple.of(user)))
                        .invoke(rows -> touched.add(rows.iterator().next().getOffsetDateTime("updated_at")))
                        .chain(() -> repository.check(conn, touched.get(0).plusSeconds(59).plusNanos(999_000_000)))
                        .invoke(reports::add)
                        .chain(() -> repository.check(conn, touched.get(0).plusMinutes(1))).invoke(reports::add)
                        .chain(() -> Uni.createFrom().<Void>failure(new RollBack())))
                .onFailure(RollBack.class).recoverWithNull()
                .eventually(pool::close)
                .await().atMost(Duration.ofSeconds(30));

        assertThat(touched.get(0).getSecond()).isZero();
        assertThat(touched.get(0).getNano()).isZero();
        assertThat(reports.get(0).accounts()).extracting(AccountDrift::userId).contains(user);
        assertThat(reports.get(1).accounts()).extracting(AccountDrift::userId).doesNotContain(user);
    }

    /** An account caching 50 credits whose only entry, in a transaction with no counter-entry, says 40. */
    private static Uni<Void> brokenBooks(SqlConnection conn, String user, UUID transaction) {
        return conn.preparedQuery("INSERT INTO accounts (user_id, balance) VALUES ($1, 50)")
                .execute(Tuple.of(user))
                .chain(() -> conn.preparedQuery("""
                                INSERT INTO ledger_transactions (id, kind, idempotency_key, user_id, request_hash)
                                VALUES ($1, 'adjustment', $2, $3, 'test')
                                """)
                        .execute(Tuple.of(transaction, "test:" + transaction, user)))
                .chain(() -> conn.preparedQuery("""
                                INSERT INTO ledger_entries (transaction_id, user_id, book, amount, balance_after)
                                VALUES ($1, $2, 'spendable', 40, 40)
                                """)
                        .execute(Tuple.of(transaction, user)))
                .replaceWithVoid();
    }
}
