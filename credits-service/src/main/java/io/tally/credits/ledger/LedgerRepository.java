package io.tally.credits.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.tally.credits.ledger.StoredOutcomes.StoredRejection;
import io.tally.credits.ledger.StoredOutcomes.StoredTransaction;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
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
            SELECT user_id, balance, earnings, debt, total_purchased, total_spent, total_gifted, total_received
              FROM accounts WHERE user_id = ANY($1) ORDER BY user_id FOR UPDATE
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
               SET balance = v.balance, earnings = v.earnings, debt = v.debt,
                   total_purchased = v.purchased, total_spent = v.spent,
                   total_gifted = v.gifted, total_received = v.received, updated_at = now()
              FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
                          $7::bigint[], $8::bigint[])
                   AS v(user_id, balance, earnings, debt, purchased, spent, gifted, received)
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

    Uni<StoredOutcomes> loadOutcomes(SqlConnection conn, Collection<String> keys, Collection<UUID> chargedJobs) {
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
        return Uni.combine().all().unis(transactions, rejections).asTuple()
                .map(both -> new StoredOutcomes(both.getItem1(), both.getItem2()));
    }

    /** Issued together (pipelined); the connection runs them in this order. */
    Uni<Void> write(SqlConnection conn, LedgerEngine.BatchPlan plan, Collection<AccountState> accounts) {
        return Uni.combine().all().unis(
                        updateAccounts(conn, accounts.stream().filter(a -> a.changed).toList()),
                        insertPostings(conn, plan.postings),
                        insertRejections(conn, plan.newRejections))
                .discardItems();
    }

    private Uni<Void> updateAccounts(SqlClient client, List<AccountState> changed) {
        if (changed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = changed.size();
        String[] ids = new String[n];
        Long[] balance = new Long[n], earnings = new Long[n], debt = new Long[n], purchased = new Long[n],
                spent = new Long[n], gifted = new Long[n], received = new Long[n];
        for (int i = 0; i < n; i++) {
            AccountState a = changed.get(i);
            ids[i] = a.userId;
            balance[i] = a.balance;
            earnings[i] = a.earnings;
            debt[i] = a.debt;
            purchased[i] = a.purchased;
            spent[i] = a.spent;
            gifted[i] = a.gifted;
            received[i] = a.received;
        }
        return client.preparedQuery(UPDATE_ACCOUNTS)
                .execute(Tuple.tuple(List.of(ids, balance, earnings, debt, purchased, spent, gifted, received)))
                .replaceWithVoid();
    }

    private Uni<Void> insertPostings(SqlClient client, List<Posting> postings) {
        if (postings.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = postings.size();
        UUID[] ids = new UUID[n];
        String[] kinds = new String[n], keys = new String[n], references = new String[n], users = new String[n],
                hashes = new String[n], metadata = new String[n], results = new String[n];
        List<UUID> entryTx = new ArrayList<>();
        List<String> entryUser = new ArrayList<>(), entrySystem = new ArrayList<>(), entryBook = new ArrayList<>();
        List<Long> entryAmount = new ArrayList<>(), entryBalance = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Posting p = postings.get(i);
            ids[i] = p.id;
            kinds[i] = p.kind;
            keys[i] = p.key;
            references[i] = p.reference;
            users[i] = p.userId;
            hashes[i] = p.fingerprint;
            metadata[i] = toJson(p.metadata);
            results[i] = toJson(p.result);
            for (Posting.Entry e : p.entries) {
                entryTx.add(p.id);
                entryUser.add(e.userId());
                entrySystem.add(e.systemAccount());
                entryBook.add(e.book());
                entryAmount.add(e.amount());
                entryBalance.add(e.balanceAfter());
            }
        }
        // Entries reference their transaction: pipelined in this order, the headers are in first.
        return Uni.combine().all().unis(
                        client.preparedQuery(INSERT_TRANSACTIONS)
                                .execute(Tuple.tuple(List.of(ids, kinds, keys, references, users, hashes, metadata, results))),
                        client.preparedQuery(INSERT_ENTRIES).execute(Tuple.tuple(List.of(
                                entryTx.toArray(UUID[]::new), entryUser.toArray(String[]::new),
                                entrySystem.toArray(String[]::new), entryBook.toArray(String[]::new),
                                entryAmount.toArray(Long[]::new), entryBalance.toArray(Long[]::new)))))
                .discardItems();
    }

    private Uni<Void> insertRejections(SqlClient client, List<StoredRejection> rejections) {
        if (rejections.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery(INSERT_REJECTIONS).execute(Tuple.tuple(List.of(
                        rejections.stream().map(StoredRejection::jobId).toArray(UUID[]::new),
                        rejections.stream().map(StoredRejection::userId).toArray(String[]::new),
                        rejections.stream().map(StoredRejection::amount).toArray(Long[]::new),
                        rejections.stream().map(StoredRejection::needed).toArray(Long[]::new),
                        rejections.stream().map(StoredRejection::available).toArray(Long[]::new),
                        rejections.stream().map(StoredRejection::reason).toArray(String[]::new))))
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
