package io.tally.credits.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.tally.common.db.Columns;
import io.tally.common.db.Pipelined;
import io.tally.credits.ledger.StoredOutcomes.StoredRejection;
import io.tally.credits.ledger.StoredOutcomes.StoredTransaction;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The write side of the ledger: what a batch loads under its locks and how it writes its plan. */
@ApplicationScoped
public class LedgerRepository {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /* Sorted, so concurrent batches creating the same new accounts queue up instead of deadlocking. */
    private static final String OPEN_ACCOUNTS = """
            INSERT INTO accounts (user_id)
            SELECT u FROM unnest($1::text[]) AS u ORDER BY u
            ON CONFLICT (user_id) DO NOTHING
            RETURNING user_id
            """;

    /* Locks are taken in user id order: two batches never wait on each other in a cycle. */
    private static final String LOCK_ACCOUNTS = """
            SELECT user_id, balance, held, promotional, earnings, frozen, debt, total_purchased, total_spent, total_gifted,
                   total_received
              FROM accounts WHERE user_id = ANY($1) ORDER BY user_id FOR UPDATE
            """;

    /*
     * Read after the accounts are locked, and changed only under those locks: the lots a batch may spend, refill or
     * expire. Liveness is decided by the database's clock, the one every replica shares (see PromotionLot).
     */
    private static final String LOAD_PROMOTIONS = """
            SELECT id, user_id, campaign, amount, remaining, expires_at, expires_at > now() AS live
              FROM promotions
             WHERE user_id = ANY($1) AND (remaining > 0 OR expires_at > now())
             ORDER BY expires_at, id
            """;

    private static final String FIND_TRANSACTIONS = """
            SELECT idempotency_key, request_hash, result::text AS result
              FROM ledger_transactions WHERE idempotency_key = ANY($1)
            """;

    private static final String FIND_REJECTIONS = """
            SELECT job_id, user_id, amount, needed, available, reason
              FROM charge_rejections WHERE job_id = ANY($1)
            """;

    private static final String UPDATE_ACCOUNTS = """
            UPDATE accounts a
               SET balance = v.balance, held = v.held, promotional = v.promotional, earnings = v.earnings,
                   frozen = v.frozen, debt = v.debt, total_purchased = v.purchased, total_spent = v.spent,
                   total_gifted = v.gifted, total_received = v.received
              FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
                          $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[])
                   AS v(user_id, balance, held, earnings, debt, purchased, spent, gifted, received, promotional, frozen)
             WHERE a.user_id = v.user_id
            """;

    private static final String INSERT_TRANSACTIONS = """
            INSERT INTO ledger_transactions (id, kind, idempotency_key, reference, user_id, request_hash,
                                             metadata, result)
            SELECT id, kind, key, reference, user_id, hash, metadata::jsonb, result::jsonb
              FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                          $8::text[]) AS t(id, kind, key, reference, user_id, hash, metadata, result)
            """;

    private static final String INSERT_ENTRIES = """
            INSERT INTO ledger_entries (transaction_id, user_id, system_account, book, amount, balance_after)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
            """;

    private static final String INSERT_REJECTIONS = """
            INSERT INTO charge_rejections (job_id, user_id, amount, needed, available, reason)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[])
            """;

    /*
     * A hold and its settlement can be decided in the same batch: the plan keeps each hold's latest state, so one
     * row per id reaches this statement.
     */
    private static final String SAVE_HOLDS = """
            INSERT INTO holds (id, user_id, amount, reference, status, captured, expires_at, settled_at)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::bigint[],
                                 $7::timestamptz[], $8::timestamptz[])
            ON CONFLICT (id) DO UPDATE
               SET status = excluded.status, captured = excluded.captured, settled_at = excluded.settled_at
            """;

    /* A lot is granted, spent from, refilled and expired by batches: one row per lot reaches this statement. */
    private static final String SAVE_PROMOTIONS = """
            INSERT INTO promotions (id, user_id, campaign, amount, remaining, expired, expires_at, expired_at)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[],
                                 $7::timestamptz[], $8::timestamptz[])
            ON CONFLICT (id) DO UPDATE
               SET remaining = excluded.remaining, expired = excluded.expired, expired_at = excluded.expired_at
            """;

    /*
     * The gifts a buyer sent after a grant (their spendable entries follow the grant's, ledger_entries_user), oldest
     * first, with what earlier clawbacks already attributed of each. No grant: no rows.
     */
    private static final String GIFTS_SINCE_GRANT = """
            SELECT t.reference::uuid AS gift_id, t.result->>'recipientId' AS recipient_id,
                   (t.result->>'cost')::bigint AS cost, (t.result->>'recipientAmount')::bigint AS net,
                   coalesce((SELECT sum(a.part) FROM gift_attributions a WHERE a.gift_id = t.reference::uuid), 0)
                       AS attributed
              FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
             WHERE e.user_id = $1 AND e.book = 'spendable' AND t.kind = 'gift'
               AND e.id > (SELECT min(g.id) FROM ledger_entries g JOIN ledger_transactions gt ON gt.id = g.transaction_id
                            WHERE gt.idempotency_key = $2)
             ORDER BY e.id
            """;

    private static final String INSERT_ATTRIBUTIONS = """
            INSERT INTO gift_attributions (gift_id, clawback_key, recipient_id, part, frozen, fee_reversed)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])
            """;

    private final ObjectMapper json;

    public LedgerRepository(ObjectMapper json) {
        this.json = json;
    }

    /** Creates the accounts that do not exist yet; returns the ones created now. */
    Uni<Set<String>> openAccounts(SqlConnection conn, Collection<String> userIds) {
        return conn.preparedQuery(OPEN_ACCOUNTS).execute(Tuple.of(userIds.toArray(String[]::new))).map(rows -> {
            Set<String> opened = new HashSet<>();
            rows.forEach(row -> opened.add(row.getString("user_id")));
            return opened;
        });
    }

    Uni<Map<String, AccountState>> lockAccounts(SqlConnection conn, Collection<String> userIds) {
        return conn.preparedQuery(LOCK_ACCOUNTS).execute(Tuple.of(userIds.toArray(String[]::new))).map(rows -> {
            Map<String, AccountState> accounts = new HashMap<>();
            rows.forEach(row -> accounts.put(row.getString("user_id"), AccountState.from(row)));
            return accounts;
        });
    }

    /** The promotions of the batch's users a batch may spend, refill or expire, soonest-expiring first. */
    Uni<List<PromotionLot>> loadPromotions(SqlConnection conn, Collection<String> userIds) {
        return conn.preparedQuery(LOAD_PROMOTIONS).execute(Tuple.of(userIds.toArray(String[]::new))).map(rows -> {
            List<PromotionLot> lots = new ArrayList<>();
            rows.forEach(row -> lots.add(PromotionLot.from(row)));
            return lots;
        });
    }

    /** For each clawback (by key), the gifts its buyer sent since the grant it undoes; one statement each. */
    Uni<Map<String, List<SpentGift>>> giftsSinceGrants(SqlConnection conn, List<LedgerOperation.Clawback> clawbacks) {
        if (clawbacks.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<Uni<Map.Entry<String, List<SpentGift>>>> each = clawbacks.stream().map(clawback -> conn
                .preparedQuery(GIFTS_SINCE_GRANT).execute(Tuple.of(clawback.userId(), clawback.undoneKey()))
                .map(rows -> {
                    List<SpentGift> gifts = new ArrayList<>();
                    rows.forEach(row -> gifts.add(SpentGift.from(row)));
                    return Map.entry(clawback.key(), gifts);
                })).toList();
        return Uni.combine().all().unis(each).with(entries -> {
            Map<String, List<SpentGift>> found = new HashMap<>();
            entries.forEach(entry -> {
                @SuppressWarnings("unchecked")
                Map.Entry<String, List<SpentGift>> one = (Map.Entry<String, List<SpentGift>>) entry;
                found.put(one.getKey(), one.getValue());
            });
            return found;
        });
    }

    Uni<StoredOutcomes> loadOutcomes(SqlConnection conn, Collection<String> keys, Collection<UUID> chargedJobs,
                                     List<LedgerOperation.Clawback> clawbacks) {
        Uni<Map<String, StoredTransaction>> transactions = keys.isEmpty()
                ? Uni.createFrom().item(Map.of())
                : conn.preparedQuery(FIND_TRANSACTIONS).execute(Tuple.of(keys.toArray(String[]::new))).map(rows -> {
                    Map<String, StoredTransaction> found = new HashMap<>();
                    rows.forEach(row -> found.put(row.getString("idempotency_key"), storedTransaction(row)));
                    return found;
                });
        Uni<Map<UUID, StoredRejection>> rejections = chargedJobs.isEmpty()
                ? Uni.createFrom().item(Map.of())
                : conn.preparedQuery(FIND_REJECTIONS).execute(Tuple.of(chargedJobs.toArray(UUID[]::new))).map(rows -> {
                    Map<UUID, StoredRejection> found = new HashMap<>();
                    rows.forEach(row -> found.put(row.getUUID("job_id"), storedRejection(row)));
                    return found;
                });
        return Uni.combine().all().unis(transactions, rejections, giftsSinceGrants(conn, clawbacks)).asTuple()
                .map(all -> new StoredOutcomes(all.getItem1(), all.getItem2(), all.getItem3()));
    }

    /** Issued together (pipelined); the connection runs them in this order. */
    Uni<Void> write(SqlConnection conn, LedgerEngine.BatchPlan plan, Collection<AccountState> accounts) {
        return Pipelined.inOrder(
                updateAccounts(conn, accounts.stream().filter(a -> a.changed).toList()),
                insertPostings(conn, plan.postings),
                insertRejections(conn, plan.newRejections),
                saveHolds(conn, List.copyOf(plan.holds.values())),
                insertAttributions(conn, plan.attributions),
                savePromotions(conn, accounts.stream().flatMap(a -> a.lots.stream()).filter(l -> l.changed).toList()));
    }

    private Uni<Void> insertAttributions(SqlClient client, List<GiftAttribution> attributions) {
        if (attributions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery(INSERT_ATTRIBUTIONS).execute(Columns.of(attributions)
                        .add(GiftAttribution::giftId, UUID[]::new)
                        .add(GiftAttribution::clawbackKey, String[]::new)
                        .add(GiftAttribution::recipientId, String[]::new)
                        .add(GiftAttribution::part, Long[]::new)
                        .add(GiftAttribution::frozen, Long[]::new)
                        .add(GiftAttribution::feeReversed, Long[]::new)
                        .tuple())
                .replaceWithVoid();
    }

    private Uni<Void> savePromotions(SqlClient client, List<PromotionLot> lots) {
        if (lots.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery(SAVE_PROMOTIONS).execute(Columns.of(lots)
                        .add(l -> l.id, UUID[]::new)
                        .add(l -> l.userId, String[]::new)
                        .add(l -> l.campaign, String[]::new)
                        .add(l -> l.amount, Long[]::new)
                        .add(l -> l.remaining, Long[]::new)
                        .add(l -> l.expired, Long[]::new)
                        .add(l -> l.expiresAt, OffsetDateTime[]::new)
                        .add(l -> l.expiredAt, OffsetDateTime[]::new)
                        .tuple())
                .replaceWithVoid();
    }

    private Uni<Void> updateAccounts(SqlClient client, List<AccountState> changed) {
        if (changed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery(UPDATE_ACCOUNTS).execute(Columns.of(changed)
                        .add(a -> a.userId, String[]::new)
                        .add(a -> a.balance, Long[]::new)
                        .add(a -> a.held, Long[]::new)
                        .add(a -> a.earnings, Long[]::new)
                        .add(a -> a.debt, Long[]::new)
                        .add(a -> a.purchased, Long[]::new)
                        .add(a -> a.spent, Long[]::new)
                        .add(a -> a.gifted, Long[]::new)
                        .add(a -> a.received, Long[]::new)
                        .add(a -> a.promotional, Long[]::new)
                        .add(a -> a.frozen, Long[]::new)
                        .tuple())
                .replaceWithVoid();
    }

    private Uni<Void> insertPostings(SqlClient client, List<Posting> postings) {
        if (postings.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<PostedEntry> entries = new ArrayList<>();
        for (Posting p : postings) {
            p.entries.forEach(e -> entries.add(new PostedEntry(p.id, e)));
        }
        // Entries reference their transaction: pipelined in this order, the headers are in first.
        return Pipelined.inOrder(
                        client.preparedQuery(INSERT_TRANSACTIONS).execute(Columns.of(postings)
                                .add(p -> p.id, UUID[]::new)
                                .add(p -> p.kind, String[]::new)
                                .add(p -> p.key, String[]::new)
                                .add(p -> p.reference, String[]::new)
                                .add(p -> p.userId, String[]::new)
                                .add(p -> p.fingerprint, String[]::new)
                                .add(p -> toJson(p.metadata), String[]::new)
                                .add(p -> toJson(p.result), String[]::new)
                                .tuple()),
                        client.preparedQuery(INSERT_ENTRIES).execute(Columns.of(entries)
                                .add(PostedEntry::transactionId, UUID[]::new)
                                .add(e -> e.entry().userId(), String[]::new)
                                .add(e -> e.entry().systemAccount(), String[]::new)
                                .add(e -> e.entry().book(), String[]::new)
                                .add(e -> e.entry().amount(), Long[]::new)
                                .add(e -> e.entry().balanceAfter(), Long[]::new)
                                .tuple()));
    }

    /** An entry with the transaction it belongs to: one row of the entries' columnar insert. */
    private record PostedEntry(UUID transactionId, Posting.Entry entry) {
    }

    private Uni<Void> saveHolds(SqlClient client, List<HoldRow> holds) {
        if (holds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery(SAVE_HOLDS).execute(Columns.of(holds)
                        .add(HoldRow::id, UUID[]::new)
                        .add(HoldRow::userId, String[]::new)
                        .add(HoldRow::amount, Long[]::new)
                        .add(HoldRow::reference, String[]::new)
                        .add(HoldRow::status, String[]::new)
                        .add(HoldRow::captured, Long[]::new)
                        .add(HoldRow::expiresAt, OffsetDateTime[]::new)
                        .add(HoldRow::settledAt, OffsetDateTime[]::new)
                        .tuple())
                .replaceWithVoid();
    }

    private Uni<Void> insertRejections(SqlClient client, List<StoredRejection> rejections) {
        if (rejections.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery(INSERT_REJECTIONS).execute(Columns.of(rejections)
                        .add(StoredRejection::jobId, UUID[]::new)
                        .add(StoredRejection::userId, String[]::new)
                        .add(StoredRejection::amount, Long[]::new)
                        .add(StoredRejection::needed, Long[]::new)
                        .add(StoredRejection::available, Long[]::new)
                        .add(StoredRejection::reason, String[]::new)
                        .tuple())
                .replaceWithVoid();
    }

    private StoredTransaction storedTransaction(Row row) {
        try {
            return new StoredTransaction(row.getString("idempotency_key"), row.getString("request_hash"),
                    json.readValue(row.getString("result"), MAP));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable stored result", e);
        }
    }

    private static StoredRejection storedRejection(Row row) {
        return new StoredRejection(row.getUUID("job_id"), row.getString("user_id"), row.getLong("amount"),
                row.getLong("needed"), row.getLong("available"), row.getString("reason"));
    }

    private String toJson(Map<String, Object> value) {
        try {
            return json.writeValueAsString(value == null ? Map.of() : value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
