package io.tally.common.idempotency;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.Columns;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** SQL of the idempotency_keys table; every statement takes a batch of keys (a request alone is a batch of one). */
@ApplicationScoped
public class IdempotencyRepository {

    private static final String FORGET_EXPIRED = """
            DELETE FROM idempotency_keys k
             USING unnest($1::text[], $2::text[]) AS c(owner_id, idempotency_key)
             WHERE k.owner_id = c.owner_id AND k.idempotency_key = c.idempotency_key
               AND k.created_at < now() - make_interval(secs => $3)
            """;

    /**
     * Keys are claimed in sorted order, so two batches claiming some of the same keys never deadlock. A claim whose
     * response is already known stores it here; the others store it with {@link #COMPLETE}.
     */
    private static final String CLAIM = """
            INSERT INTO idempotency_keys (owner_id, idempotency_key, request_hash, response_status, response_body)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[])
                       AS c(owner_id, idempotency_key, request_hash, response_status, response_body)
             ORDER BY owner_id, idempotency_key
            ON CONFLICT (owner_id, idempotency_key) DO NOTHING
            RETURNING owner_id, idempotency_key
            """;

    private static final String FIND = """
            SELECT k.owner_id, k.idempotency_key, k.request_hash, k.response_status, k.response_body
              FROM idempotency_keys k
              JOIN unnest($1::text[], $2::text[]) AS c(owner_id, idempotency_key)
                ON k.owner_id = c.owner_id AND k.idempotency_key = c.idempotency_key
            """;

    private static final String COMPLETE = """
            UPDATE idempotency_keys k SET response_status = c.status, response_body = c.body
              FROM unnest($1::text[], $2::text[], $3::int[], $4::text[]) AS c(owner_id, idempotency_key, status, body)
             WHERE k.owner_id = c.owner_id AND k.idempotency_key = c.idempotency_key
            """;

    private static final String PRUNE = """
            DELETE FROM idempotency_keys
             WHERE ctid IN (SELECT ctid FROM idempotency_keys
                             WHERE created_at < now() - make_interval(secs => $1)
                             LIMIT $2)
            """;

    /** A key in its owner's key space. */
    record KeyId(String owner, String key) {
    }

    /** A key to claim for the request with {@code first}'s fingerprint, and its response when already known. */
    record Claim(KeyId id, FirstResponse first) {
    }

    /**
     * Claims the keys for this transaction and returns those it got; a key older than {@code ttl} is forgotten
     * first, so it starts a new request. A concurrent transaction claiming one of the same keys blocks on the
     * primary key until this one ends; it then sees the stored response (commit) or claims the key itself
     * (rollback).
     */
    Uni<Set<KeyId>> claim(SqlClient client, List<Claim> claims, Duration ttl) {
        String[] owners = claims.stream().map(c -> c.id().owner()).toArray(String[]::new);
        String[] keys = claims.stream().map(c -> c.id().key()).toArray(String[]::new);
        String[] hashes = claims.stream().map(c -> c.first().requestHash()).toArray(String[]::new);
        Integer[] statuses = claims.stream().map(c -> c.first().status()).toArray(Integer[]::new);
        String[] bodies = claims.stream().map(c -> c.first().body()).toArray(String[]::new);
        // The same arrays serve both statements.
        return client.preparedQuery(FORGET_EXPIRED).execute(Tuple.of(owners, keys, (double) ttl.toSeconds()))
                .chain(() -> client.preparedQuery(CLAIM).execute(Tuple.of(owners, keys, hashes, statuses, bodies)))
                .map(rows -> {
                    Set<KeyId> claimed = new HashSet<>();
                    rows.forEach(row -> claimed.add(new KeyId(row.getString("owner_id"),
                            row.getString("idempotency_key"))));
                    return claimed;
                });
    }

    Uni<Map<KeyId, FirstResponse>> find(SqlClient client, Collection<KeyId> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Tuple keys = Columns.of(List.copyOf(ids)).add(KeyId::owner, String[]::new).add(KeyId::key, String[]::new)
                .tuple();
        return client.preparedQuery(FIND).execute(keys).map(rows -> {
                    Map<KeyId, FirstResponse> found = new HashMap<>();
                    rows.forEach(row -> found.put(new KeyId(row.getString("owner_id"),
                            row.getString("idempotency_key")), firstResponse(row)));
                    return found;
                });
    }

    /** Stores each claimed key's response. */
    Uni<Void> complete(SqlClient client, Map<KeyId, FirstResponse> responses) {
        if (responses.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery(COMPLETE).execute(Columns.of(List.copyOf(responses.entrySet()))
                        .add(e -> e.getKey().owner(), String[]::new)
                        .add(e -> e.getKey().key(), String[]::new)
                        .add(e -> e.getValue().status(), Integer[]::new)
                        .add(e -> e.getValue().body(), String[]::new)
                        .tuple())
                .replaceWithVoid();
    }

    public Uni<Integer> prune(SqlClient client, Duration ttl, int limit) {
        return client.preparedQuery(PRUNE).execute(Tuple.of((double) ttl.toSeconds(), limit))
                .map(RowSet::rowCount);
    }

    private static FirstResponse firstResponse(Row row) {
        return new FirstResponse(row.getString("request_hash"), row.getInteger("response_status"),
                row.getString("response_body"));
    }

    record FirstResponse(String requestHash, Integer status, String body) {
    }
}
