package io.tally.credits.reconciliation;

import io.smallrye.mutiny.Uni;
import io.tally.credits.reconciliation.ReconciliationReport.AccountDrift;
import io.tally.credits.reconciliation.ReconciliationReport.UnbalancedTransaction;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Recomputes balances from the entries and compares them with the cached ones. */
@ApplicationScoped
public class ReconciliationRepository {

    private static final String DRIFTED_ACCOUNTS = """
            SELECT a.user_id, a.balance, a.earnings, a.debt,
                   coalesce(e.spendable, 0) AS ledger_balance,
                   coalesce(e.earnings, 0) AS ledger_earnings,
                   -coalesce(e.debt, 0) AS ledger_debt
              FROM accounts a
              LEFT JOIN LATERAL (
                    SELECT sum(amount) FILTER (WHERE book = 'spendable') AS spendable,
                           sum(amount) FILTER (WHERE book = 'earnings') AS earnings,
                           sum(amount) FILTER (WHERE book = 'debt') AS debt
                      FROM ledger_entries WHERE user_id = a.user_id) e ON true
             WHERE ($1::timestamptz IS NULL OR a.updated_at >= $1)
               AND (a.balance <> coalesce(e.spendable, 0)
                    OR a.earnings <> coalesce(e.earnings, 0)
                    OR a.debt <> -coalesce(e.debt, 0))
             ORDER BY a.user_id
             LIMIT 1000
            """;

    private static final String UNBALANCED_TRANSACTIONS = """
            SELECT transaction_id, sum(amount) AS total
              FROM ledger_entries
             WHERE ($1::timestamptz IS NULL OR created_at >= $1)
             GROUP BY transaction_id
            HAVING sum(amount) <> 0
             LIMIT 1000
            """;

    private final Pool pool;

    public ReconciliationRepository(Pool pool) {
        this.pool = pool;
    }

    /** Checks accounts changed and transactions written since {@code since}; everything when null. */
    public Uni<ReconciliationReport> check(OffsetDateTime since) {
        Tuple args = Tuple.of(since);
        Uni<List<AccountDrift>> drift = pool.preparedQuery(DRIFTED_ACCOUNTS).execute(args).map(rows -> {
            List<AccountDrift> found = new ArrayList<>();
            rows.forEach(row -> found.add(drift(row)));
            return found;
        });
        Uni<List<UnbalancedTransaction>> unbalanced = pool.preparedQuery(UNBALANCED_TRANSACTIONS).execute(args)
                .map(rows -> {
                    List<UnbalancedTransaction> found = new ArrayList<>();
                    rows.forEach(row -> found.add(new UnbalancedTransaction(row.getUUID("transaction_id"),
                            row.getLong("total"))));
                    return found;
                });
        return drift.flatMap(accounts -> unbalanced.map(transactions -> new ReconciliationReport(
                accounts.isEmpty() && transactions.isEmpty(), accounts, transactions,
                OffsetDateTime.now(ZoneOffset.UTC))));
    }

    private static AccountDrift drift(Row row) {
        return new AccountDrift(row.getString("user_id"), row.getLong("balance"), row.getLong("ledger_balance"),
                row.getLong("earnings"), row.getLong("ledger_earnings"), row.getLong("debt"),
                row.getLong("ledger_debt"));
    }
}
