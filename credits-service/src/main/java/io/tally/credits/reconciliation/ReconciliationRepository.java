package io.tally.credits.reconciliation;

import io.smallrye.mutiny.Uni;
import io.tally.credits.reconciliation.ReconciliationReport.AccountDrift;
import io.tally.credits.reconciliation.ReconciliationReport.UnbalancedTransaction;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Recomputes balances from the entries and compares them with the cached ones. */
@ApplicationScoped
public class ReconciliationRepository {

    /*
     * Two forms of each check: everything (the admin report) and the recent window (the periodic job). They are
     * separate statements, not one with "$1 IS NULL OR …", because a prepared statement's generic plan cannot use
     * the time indexes for such a condition and the periodic check then scanned the whole ledger every minute.
     */
    private static final String ACCOUNT_BOOKS = """
            SELECT a.user_id, a.balance, a.earnings, a.debt, a.held, a.promotional, a.frozen,
                   coalesce(e.spendable, 0) AS ledger_balance,
                   coalesce(e.earnings, 0) AS ledger_earnings,
                   -coalesce(e.debt, 0) AS ledger_debt,
                   coalesce(e.held, 0) AS ledger_held,
                   coalesce(e.promotional, 0) AS ledger_promotional,
                   coalesce(e.frozen, 0) AS ledger_frozen
              FROM accounts a
              LEFT JOIN LATERAL (
                    SELECT sum(amount) FILTER (WHERE book = 'spendable') AS spendable,
                           sum(amount) FILTER (WHERE book = 'earnings') AS earnings,
                           sum(amount) FILTER (WHERE book = 'debt') AS debt,
                           sum(amount) FILTER (WHERE book = 'held') AS held,
                           sum(amount) FILTER (WHERE book = 'promotional') AS promotional,
                           sum(amount) FILTER (WHERE book = 'frozen') AS frozen
                      FROM ledger_entries WHERE user_id = a.user_id) e ON true
            """;

    private static final String DRIFTS = """
                   (a.balance <> coalesce(e.spendable, 0)
                    OR a.earnings <> coalesce(e.earnings, 0)
                    OR a.debt <> -coalesce(e.debt, 0)
                    OR a.held <> coalesce(e.held, 0)
                    OR a.promotional <> coalesce(e.promotional, 0)
                    OR a.frozen <> coalesce(e.frozen, 0))
             ORDER BY a.user_id
             LIMIT 1000
            """;

    private static final String DRIFTED_ACCOUNTS = ACCOUNT_BOOKS + " WHERE " + DRIFTS;

    /**
     * Accounts changed since $1 (accounts_updated_at). updated_at moves by whole minutes (V10: repeated writes within
     * a minute keep the indexed value, so they can be HOT updates), so the window starts at $1's minute.
     */
    private static final String RECENTLY_DRIFTED_ACCOUNTS = ACCOUNT_BOOKS
            + " WHERE a.updated_at >= date_trunc('minute', $1::timestamptz) AND " + DRIFTS;

    private static final String UNBALANCED_TRANSACTIONS = """
            SELECT transaction_id, sum(amount) AS total
              FROM ledger_entries
             GROUP BY transaction_id
            HAVING sum(amount) <> 0
             LIMIT 1000
            """;

    /*
     * Transactions written since $1 (ledger_transactions_created_at), each one's entries summed through
     * ledger_entries_transaction. A transaction and its entries are written by one database transaction, so they
     * share created_at. The LATERAL keeps the cost to the window's transactions: as a plain join with GROUP BY,
     * the planner merge-joined the recent transactions against the whole of ledger_entries (11 s for a
     * three-minute window on 6.5 million entries, the same query taking 4 s this way), betting on LIMIT 1000 to
     * stop early, which it never does when the books are healthy.
     */
    private static final String RECENTLY_UNBALANCED_TRANSACTIONS = """
            SELECT t.id AS transaction_id, s.total
              FROM ledger_transactions t
             CROSS JOIN LATERAL (SELECT sum(e.amount) AS total
                                   FROM ledger_entries e
                                  WHERE e.transaction_id = t.id) s
             WHERE t.created_at >= $1
               AND s.total <> 0
             LIMIT 1000
            """;

    /** The accounts of $1 that still drift (a recheck of what an earlier check found). */
    private static final String STILL_DRIFTED_ACCOUNTS = ACCOUNT_BOOKS + " WHERE a.user_id = ANY($1) AND " + DRIFTS;

    private static final String STILL_UNBALANCED_TRANSACTIONS = """
            SELECT transaction_id, sum(amount) AS total
              FROM ledger_entries
             WHERE transaction_id = ANY($1)
             GROUP BY transaction_id
            HAVING sum(amount) <> 0
            """;

    /*
     * The window checks run with custom plans, made for the actual $1. After five runs PostgreSQL would otherwise
     * switch to a generic plan, costed for an unknown $1 as if a third of the ledger were recent and cheapened by
     * LIMIT 1000 as if unbalanced rows were common: it walked the whole ledger_transactions primary key and
     * joined every entry, seconds of a core each minute on a ledger of three million transactions. Planning
     * once a minute costs nothing.
     */
    private static final String PLAN_FOR_THE_ACTUAL_WINDOW = "SET LOCAL plan_cache_mode = force_custom_plan";

    private final Pool pool;

    public ReconciliationRepository(Pool pool) {
        this.pool = pool;
    }

    /*
     * The full check reads the whole ledger, which on a large one takes longer than the statement_timeout every
     * connection has (microprofile-config.properties); it is the one read allowed to.
     */
    private static final String READ_THE_WHOLE_LEDGER = "SET LOCAL statement_timeout = '15min'";

    /** Checks accounts changed and transactions written since {@code since}; everything when null. */
    public Uni<ReconciliationReport> check(OffsetDateTime since) {
        return since == null
                ? pool.withTransaction(conn -> conn.query(READ_THE_WHOLE_LEDGER).execute().chain(() -> check(conn, null)))
                : pool.withTransaction(conn -> check(conn, since));
    }

    /**
     * As {@link #check(OffsetDateTime)}, on {@code client} (a test reads its own uncommitted rows this way); with a
     * {@code since}, the client must be a connection inside a transaction.
     */
    Uni<ReconciliationReport> check(SqlClient client, OffsetDateTime since) {
        Uni<Void> planned = since == null ? Uni.createFrom().voidItem()
                : client.query(PLAN_FOR_THE_ACTUAL_WINDOW).execute().replaceWithVoid();
        return planned.chain(() -> checkPlanned(client, since));
    }

    private Uni<ReconciliationReport> checkPlanned(SqlClient client, OffsetDateTime since) {
        Uni<RowSet<Row>> driftRows = since == null ? client.query(DRIFTED_ACCOUNTS).execute()
                : client.preparedQuery(RECENTLY_DRIFTED_ACCOUNTS).execute(Tuple.of(since));
        Uni<List<AccountDrift>> drift = driftRows.map(ReconciliationRepository::drifts);
        Uni<RowSet<Row>> unbalancedRows = since == null ? client.query(UNBALANCED_TRANSACTIONS).execute()
                : client.preparedQuery(RECENTLY_UNBALANCED_TRANSACTIONS).execute(Tuple.of(since));
        Uni<List<UnbalancedTransaction>> unbalanced = unbalancedRows.map(ReconciliationRepository::unbalanced);
        return drift.flatMap(accounts -> unbalanced.map(transactions -> new ReconciliationReport(
                accounts.isEmpty() && transactions.isEmpty(), accounts, transactions,
                OffsetDateTime.now(ZoneOffset.UTC))));
    }

    /** Checks again, by id, accounts and transactions an earlier check found wrong. */
    public Uni<ReconciliationReport> recheck(Set<String> accounts, Set<UUID> transactions) {
        Uni<List<AccountDrift>> drift = accounts.isEmpty() ? Uni.createFrom().item(List.of())
                : pool.preparedQuery(STILL_DRIFTED_ACCOUNTS).execute(Tuple.of(accounts.toArray(String[]::new)))
                        .map(ReconciliationRepository::drifts);
        Uni<List<UnbalancedTransaction>> unbalanced = transactions.isEmpty() ? Uni.createFrom().item(List.of())
                : pool.preparedQuery(STILL_UNBALANCED_TRANSACTIONS).execute(Tuple.of(transactions.toArray(UUID[]::new)))
                        .map(ReconciliationRepository::unbalanced);
        return drift.flatMap(found -> unbalanced.map(still -> new ReconciliationReport(found.isEmpty() && still.isEmpty(),
                found, still, OffsetDateTime.now(ZoneOffset.UTC))));
    }

    private static final String LOCK_ACCOUNT = "SELECT 1 FROM accounts WHERE user_id = $1 FOR UPDATE";
    private static final String ACCOUNT = ACCOUNT_BOOKS + " WHERE a.user_id = $1";
    private static final String SET_BOOKS = """
            UPDATE accounts SET balance = $2, earnings = $3, debt = $4, held = $5, promotional = $6, frozen = $7
             WHERE user_id = $1
            """;
    private static final String RECORD_REPAIR = """
            INSERT INTO account_repairs (user_id, balance_before, earnings_before, debt_before, balance_after,
                                         earnings_after, debt_after, reason, repaired_by, held_before, held_after,
                                         promotional_before, promotional_after, frozen_before, frozen_after)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            """;

    /**
     * Sets an account's cached balance, earnings and debt back to the sums of its entries, under the account's lock
     * (a ledger operation on it waits, and its entries are all counted), and records the repair. An account whose
     * books agree is left as it is. Empty when there is no such account.
     */
    public Uni<Optional<AccountRepair>> repair(String userId, String reason, String repairedBy) {
        return pool.withTransaction(conn -> conn.preparedQuery(LOCK_ACCOUNT).execute(Tuple.of(userId))
                .chain(locked -> locked.size() == 0 ? Uni.createFrom().item(Optional.<AccountRepair>empty())
                        : conn.preparedQuery(ACCOUNT).execute(Tuple.of(userId)).chain(rows -> {
                            AccountDrift books = drift(rows.iterator().next());
                            AccountRepair repair = AccountRepair.of(books);
                            if (!repair.repaired()) {
                                return Uni.createFrom().item(Optional.of(repair));
                            }
                            return conn.preparedQuery(SET_BOOKS).execute(Tuple.tuple(List.of(userId,
                                            books.ledgerBalance(), books.ledgerEarnings(), books.ledgerDebt(),
                                            books.ledgerHeld(), books.ledgerPromotional(), books.ledgerFrozen())))
                                    .chain(() -> conn.preparedQuery(RECORD_REPAIR).execute(Tuple.tuple(List.of(userId,
                                            books.balance(), books.earnings(), books.debt(), books.ledgerBalance(),
                                            books.ledgerEarnings(), books.ledgerDebt(), reason, repairedBy,
                                            books.held(), books.ledgerHeld(), books.promotional(),
                                            books.ledgerPromotional(), books.frozen(), books.ledgerFrozen()))))
                                    .replaceWith(Optional.of(repair));
                        })));
    }

    /** What a repair found and did: the cached books before, and after (what the entries say). */
    public record AccountRepair(String userId, boolean repaired, Books before, Books after) {

        public record Books(long balance, long earnings, long debt, long held, long promotional, long frozen) {
        }

        static AccountRepair of(AccountDrift books) {
            Books cached = new Books(books.balance(), books.earnings(), books.debt(), books.held(),
                    books.promotional(), books.frozen());
            Books ledger = new Books(books.ledgerBalance(), books.ledgerEarnings(), books.ledgerDebt(),
                    books.ledgerHeld(), books.ledgerPromotional(), books.ledgerFrozen());
            return new AccountRepair(books.userId(), !cached.equals(ledger), cached, ledger);
        }
    }

    private static List<AccountDrift> drifts(RowSet<Row> rows) {
        List<AccountDrift> found = new ArrayList<>();
        rows.forEach(row -> found.add(drift(row)));
        return found;
    }

    private static List<UnbalancedTransaction> unbalanced(RowSet<Row> rows) {
        List<UnbalancedTransaction> found = new ArrayList<>();
        rows.forEach(row -> found.add(new UnbalancedTransaction(row.getUUID("transaction_id"), row.getLong("total"))));
        return found;
    }

    private static AccountDrift drift(Row row) {
        return new AccountDrift(row.getString("user_id"), row.getLong("balance"), row.getLong("ledger_balance"),
                row.getLong("earnings"), row.getLong("ledger_earnings"), row.getLong("debt"),
                row.getLong("ledger_debt"), row.getLong("held"), row.getLong("ledger_held"),
                row.getLong("promotional"), row.getLong("ledger_promotional"), row.getLong("frozen"),
                row.getLong("ledger_frozen"));
    }
}
