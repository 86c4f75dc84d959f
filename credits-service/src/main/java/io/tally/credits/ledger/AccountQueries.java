package io.tally.credits.ledger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The read side: accounts, a user's ledger and the gift catalogue. */
@ApplicationScoped
public class AccountQueries {

    private static final String FIND_ACCOUNT = """
            SELECT user_id, balance, earnings, debt, total_purchased, total_spent, total_gifted, total_received,
                   created_at
              FROM accounts WHERE user_id = $1
            """;

    /* Newest first; the cursor is the last entry id of the previous page. */
    private static final String LEDGER_PAGE = """
            SELECT e.id, e.transaction_id, t.kind, t.reference, e.book, e.amount, e.balance_after, e.created_at
              FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
             WHERE e.user_id = $1 AND e.id < $2 AND ($3::text IS NULL OR t.kind = $3)
             ORDER BY e.id DESC
             LIMIT $4
            """;

    private static final String GIFT_TYPES = """
            SELECT code, name, cost FROM gift_types WHERE active ORDER BY sort_order, code
            """;

    private static final String GIFT_TYPE = "SELECT code, name, cost FROM gift_types WHERE code = $1 AND active";

    private final Pool pool;

    public AccountQueries(Pool pool) {
        this.pool = pool;
    }

    public Uni<Optional<Account>> findAccount(String userId) {
        return pool.preparedQuery(FIND_ACCOUNT).execute(Tuple.of(userId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Account.from(rows.iterator().next())));
    }

    public Uni<List<LedgerLine>> ledger(String userId, String kind, long beforeEntryId, int limit) {
        return pool.preparedQuery(LEDGER_PAGE).execute(Tuple.of(userId, beforeEntryId, kind, limit)).map(rows -> {
            List<LedgerLine> lines = new ArrayList<>();
            rows.forEach(row -> lines.add(LedgerLine.from(row)));
            return lines;
        });
    }

    public Uni<List<GiftType>> giftTypes() {
        return pool.query(GIFT_TYPES).execute().map(rows -> {
            List<GiftType> types = new ArrayList<>();
            rows.forEach(row -> types.add(GiftType.from(row)));
            return types;
        });
    }

    public Uni<Optional<GiftType>> giftType(String code) {
        return pool.preparedQuery(GIFT_TYPE).execute(Tuple.of(code))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(GiftType.from(rows.iterator().next())));
    }

    public record Account(String userId, long balance, long earnings, long debt, Totals totals,
                          OffsetDateTime createdAt) {

        static Account from(Row row) {
            return new Account(row.getString("user_id"), row.getLong("balance"), row.getLong("earnings"),
                    row.getLong("debt"), new Totals(row.getLong("total_purchased"), row.getLong("total_spent"),
                    row.getLong("total_gifted"), row.getLong("total_received")), row.getOffsetDateTime("created_at"));
        }
    }

    /** Lifetime figures: purchased credits, net spend (charges minus refunds), gifts sent and gift income. */
    public record Totals(long purchased, long spent, long gifted, long received) {
    }

    public record LedgerLine(long entryId, UUID transactionId, String kind, String reference, String book,
                             long amount, Long balanceAfter, OffsetDateTime createdAt) {

        static LedgerLine from(Row row) {
            return new LedgerLine(row.getLong("id"), row.getUUID("transaction_id"), row.getString("kind"),
                    row.getString("reference"), row.getString("book"), row.getLong("amount"),
                    row.getLong("balance_after"), row.getOffsetDateTime("created_at"));
        }
    }
}
