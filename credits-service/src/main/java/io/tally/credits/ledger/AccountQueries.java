package io.tally.credits.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /* With the soonest live promotion that still has credits (promotions_user). */
    private static final String FIND_ACCOUNT = """
            SELECT a.user_id, a.balance, a.held, a.promotional, a.earnings, a.frozen, a.debt, a.total_purchased,
                   a.total_spent, a.total_gifted, a.total_received, a.created_at,
                   next.remaining AS next_expiry_credits, next.expires_at AS next_expiry_at
              FROM accounts a
              LEFT JOIN LATERAL (
                    SELECT remaining, expires_at FROM promotions p
                     WHERE p.user_id = a.user_id AND p.remaining > 0 AND p.expires_at > now()
                     ORDER BY p.expires_at, p.id LIMIT 1) next ON true
             WHERE a.user_id = $1
            """;

    /* Newest first; the cursor is the last entry id of the previous page. */
    private static final String LEDGER_PAGE = """
            SELECT e.id, e.transaction_id, t.kind, t.reference, t.metadata->>'reason' AS reason, e.book, e.amount,
                   e.balance_after, e.created_at
              FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
             WHERE e.user_id = $1 AND e.id < $2 AND ($3::text IS NULL OR t.kind = $3)
             ORDER BY e.id DESC
             LIMIT $4
            """;

    /*
     * The statement: one line per transaction that changed what the user owns (available and held together), earns or
     * owes. Placing, voiding or expiring a hold moves credits between the user's own books and makes no line, so a
     * job shows once, as the capture of its final price. A user's entries of one transaction are written together
     * under the account's lock, so their ids are contiguous: the page's cursor is the first entry of its last line.
     */
    private static final String STATEMENT_PAGE = """
            SELECT min(e.id) AS first_entry, t.id AS transaction_id, t.kind, t.reference,
                   t.metadata->>'reason' AS reason,
                   coalesce(sum(e.amount) FILTER (WHERE e.book IN ('spendable', 'promotional', 'held')), 0) AS amount,
                   coalesce(sum(e.amount) FILTER (WHERE e.book = 'earnings'), 0) AS earnings,
                   coalesce(sum(e.amount) FILTER (WHERE e.book = 'frozen'), 0) AS frozen,
                   -coalesce(sum(e.amount) FILTER (WHERE e.book = 'debt'), 0) AS debt, t.created_at
              FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
             WHERE e.user_id = $1 AND e.id < $2
             GROUP BY t.id
            HAVING coalesce(sum(e.amount) FILTER (WHERE e.book IN ('spendable', 'promotional', 'held')), 0) <> 0
                OR coalesce(sum(e.amount) FILTER (WHERE e.book = 'earnings'), 0) <> 0
                OR coalesce(sum(e.amount) FILTER (WHERE e.book = 'frozen'), 0) <> 0
                OR coalesce(sum(e.amount) FILTER (WHERE e.book = 'debt'), 0) <> 0
             ORDER BY min(e.id) DESC
             LIMIT $3
            """;

    /*
     * A gift is one transaction: the sender's spendable entry and the recipient's earnings entry. Reading through
     * the user's entries (ledger_entries_user) finds either side, newest first, with the entry id as the cursor.
     */
    private static final String GIFTS_PAGE = """
            SELECT e.id, t.result::text AS result, t.created_at
              FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
             WHERE e.user_id = $1 AND e.book = $2 AND t.kind = 'gift' AND e.id < $3
             ORDER BY e.id DESC
             LIMIT $4
            """;

    /* A user's holds, newest first (holds_user), optionally of one status; the cursor is (created_at, id). */
    private static final String HOLDS_PAGE = """
            SELECT id, amount, reference, status, captured, expires_at, created_at, settled_at
              FROM holds
             WHERE user_id = $1 AND ($2::text IS NULL OR status = $2)
               AND (created_at, id) < ($3, $4::uuid)
             ORDER BY created_at DESC, id DESC
             LIMIT $5
            """;

    private static final String GIFT_TYPES = """
            SELECT code, name, cost FROM gift_types WHERE active ORDER BY sort_order, code
            """;

    private static final String GIFT_TYPE = "SELECT code, name, cost FROM gift_types WHERE code = $1 AND active";

    private final Pool pool;
    private final ObjectMapper json;

    public AccountQueries(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /** One page of a user's holds, newest first; {@code status} null for all. */
    public Uni<List<HoldLine>> holds(String userId, String status, OffsetDateTime beforeCreated, UUID beforeId,
                                     int limit) {
        return pool.preparedQuery(HOLDS_PAGE)
                .execute(Tuple.from(new Object[] {userId, status, beforeCreated, beforeId, limit}))
                .map(rows -> {
                    List<HoldLine> lines = new ArrayList<>();
                    rows.forEach(row -> lines.add(HoldLine.from(row)));
                    return lines;
                });
    }

    /** One page of the gifts a user sent or received, newest first. */
    public Uni<List<GiftLine>> gifts(String userId, GiftLine.Direction direction, long beforeEntryId, int limit) {
        String book = direction == GiftLine.Direction.SENT ? "spendable" : "earnings";
        return pool.preparedQuery(GIFTS_PAGE).execute(Tuple.of(userId, book, beforeEntryId, limit)).map(rows -> {
            List<GiftLine> lines = new ArrayList<>();
            rows.forEach(row -> lines.add(GiftLine.from(row, direction, json)));
            return lines;
        });
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

    /** One page of the user's statement, newest first (see STATEMENT_PAGE). */
    public Uni<List<StatementLine>> statement(String userId, long beforeEntryId, int limit) {
        return pool.preparedQuery(STATEMENT_PAGE).execute(Tuple.of(userId, beforeEntryId, limit)).map(rows -> {
            List<StatementLine> lines = new ArrayList<>();
            rows.forEach(row -> lines.add(StatementLine.from(row)));
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

    /**
     * @param balance     the credits the user owns: {@code available + held}
     * @param held        reserved by open holds until they are captured, voided or expire
     * @param available   what the user can spend or hold now: {@code purchased + promotional}
     * @param purchased   bought, refunded or adjusted credits: the only ones that can be gifted
     * @param promotional what is left of the user's promotions, spent first (until the expiry pass runs, this
     *                    includes credits of a promotion that just expired, which can no longer be spent)
     * @param nextExpiry  the soonest promotion that still has credits, null when none
     * @param frozenEarnings gift earnings held from payout because the buyer's purchase was reversed
     */
    public record Account(String userId, long balance, long held, long available, long purchased, long promotional,
                          NextExpiry nextExpiry, long earnings, long frozenEarnings, long debt, Totals totals,
                          OffsetDateTime createdAt) {

        static Account from(Row row) {
            long purchased = row.getLong("balance");
            long promotional = row.getLong("promotional");
            long available = purchased + promotional;
            long held = row.getLong("held");
            OffsetDateTime nextExpiryAt = row.getOffsetDateTime("next_expiry_at");
            return new Account(row.getString("user_id"), available + held, held, available, purchased, promotional,
                    nextExpiryAt == null ? null : new NextExpiry(row.getLong("next_expiry_credits"), nextExpiryAt),
                    row.getLong("earnings"), row.getLong("frozen"), row.getLong("debt"), new Totals(row.getLong("total_purchased"),
                    row.getLong("total_spent"), row.getLong("total_gifted"), row.getLong("total_received")),
                    row.getOffsetDateTime("created_at"));
        }
    }

    /** {@code credits} of a promotion expire {@code at}, unless spent first. */
    public record NextExpiry(long credits, OffsetDateTime at) {
    }

    /** Lifetime figures: purchased credits, net spend (charges minus refunds), gifts sent and gift income. */
    public record Totals(long purchased, long spent, long gifted, long received) {
    }

    /**
     * A gift as one side saw it.
     *
     * @param otherParty the recipient of a gift sent, the sender of a gift received
     * @param amount     what left the sender ({@code cost}), or what reached the recipient's earnings
     */
    public record GiftLine(long entryId, UUID giftId, Direction direction, String otherParty, String giftType,
                           int quantity, long cost, long fee, long amount, String boxId, OffsetDateTime at) {

        public enum Direction { SENT, RECEIVED }

        static GiftLine from(Row row, Direction direction, ObjectMapper json) {
            JsonNode gift;
            try {
                gift = json.readTree(row.getString("result"));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable gift result in entry " + row.getLong("id"), e);
            }
            boolean sent = direction == Direction.SENT;
            return new GiftLine(row.getLong("id"), UUID.fromString(gift.path("giftId").asText()), direction,
                    gift.path(sent ? "recipientId" : "senderId").asText(), gift.path("giftType").asText(),
                    gift.path("quantity").asInt(1), gift.path("cost").asLong(), gift.path("fee").asLong(),
                    sent ? gift.path("cost").asLong() : gift.path("recipientAmount").asLong(),
                    gift.path("boxId").isNull() || gift.path("boxId").isMissingNode() ? null
                            : gift.path("boxId").asText(),
                    row.getOffsetDateTime("created_at"));
        }
    }

    /** A hold as its owner and an operator see it: {@code status} held, captured, voided or expired. */
    public record HoldLine(UUID holdId, long amount, String reference, String status, long captured,
                           OffsetDateTime expiresAt, OffsetDateTime createdAt, OffsetDateTime settledAt) {

        static HoldLine from(Row row) {
            return new HoldLine(row.getUUID("id"), row.getLong("amount"), row.getString("reference"),
                    row.getString("status"), row.getLong("captured"), row.getOffsetDateTime("expires_at"),
                    row.getOffsetDateTime("created_at"), row.getOffsetDateTime("settled_at"));
        }
    }

    /** @param reason why, for the kinds that carry one (refund, clawback, adjustment, debt forgiveness, void) */
    public record LedgerLine(long entryId, UUID transactionId, String kind, String reference, String reason,
                             String book, long amount, Long balanceAfter, OffsetDateTime createdAt) {

        static LedgerLine from(Row row) {
            return new LedgerLine(row.getLong("id"), row.getUUID("transaction_id"), row.getString("kind"),
                    row.getString("reference"), row.getString("reason"), row.getString("book"), row.getLong("amount"),
                    row.getLong("balance_after"), row.getOffsetDateTime("created_at"));
        }
    }

    /**
     * One line of the statement.
     *
     * @param amount   the change of what the user owns (a job's capture: minus its final price)
     * @param earnings the change of the user's gift earnings
     * @param frozen   the change of their earnings held from payout (a reversed purchase's gifts)
     * @param debt     the change of what the user owes (positive: more debt)
     * @param cursorId the line's first entry, the next page's cursor
     */
    public record StatementLine(long cursorId, UUID transactionId, String kind, String reference, String reason,
                                long amount, long earnings, long frozen, long debt, OffsetDateTime at) {

        static StatementLine from(Row row) {
            return new StatementLine(row.getLong("first_entry"), row.getUUID("transaction_id"), row.getString("kind"),
                    row.getString("reference"), row.getString("reason"), row.getLong("amount"), row.getLong("earnings"),
                    row.getLong("frozen"), row.getLong("debt"), row.getOffsetDateTime("created_at"));
        }
    }
}
