package io.tally.common.idempotency;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** SQL of the idempotency_keys table. */
@ApplicationScoped
public class IdempotencyRepository {

    private static final String FORGET_EXPIRED = """
            DELETE FROM idempotency_keys
             WHERE owner_id = $1 AND idempotency_key = $2 AND created_at < now() - make_interval(secs => $3)
            """;

    private static final String CLAIM = """
            INSERT INTO idempotency_keys (owner_id, idempotency_key, request_hash) VALUES ($1, $2, $3)
            ON CONFLICT (owner_id, idempotency_key) DO NOTHING
            """;

    private static final String FIND = """
            SELECT request_hash, response_status, response_body
              FROM idempotency_keys
             WHERE owner_id = $1 AND idempotency_key = $2
            """;

    private static final String COMPLETE = """
            UPDATE idempotency_keys SET response_status = $3, response_body = $4
             WHERE owner_id = $1 AND idempotency_key = $2
            """;

    private static final String PRUNE = """
            DELETE FROM idempotency_keys
             WHERE ctid IN (SELECT ctid FROM idempotency_keys
                             WHERE created_at < now() - make_interval(secs => $1)
                             LIMIT $2)
            """;

    /**
     * Claims the key for this transaction. A concurrent request with the same key blocks on the primary key
     * until this transaction ends; it then sees the stored response (commit) or claims the key itself
     * (rollback).
     */
    Uni<Boolean> claim(SqlClient client, String owner, String key, String requestHash, Duration ttl) {
        return client.preparedQuery(FORGET_EXPIRED).execute(Tuple.of(owner, key, (double) ttl.toSeconds()))
                .chain(() -> client.preparedQuery(CLAIM).execute(Tuple.of(owner, key, requestHash)))
                .map(rows -> rows.rowCount() == 1);
    }

    Uni<Previous> find(SqlClient client, String owner, String key) {
        return client.preparedQuery(FIND).execute(Tuple.of(owner, key)).map(rows -> {
            Row row = rows.iterator().next();
            return new Previous(row.getString("request_hash"), row.getInteger("response_status"),
                    row.getString("response_body"));
        });
    }

    Uni<Void> complete(SqlClient client, String owner, String key, int status, String body) {
        return client.preparedQuery(COMPLETE).execute(Tuple.of(owner, key, status, body)).replaceWithVoid();
    }

    public Uni<Integer> prune(SqlClient client, Duration ttl, int limit) {
        return client.preparedQuery(PRUNE).execute(Tuple.of((double) ttl.toSeconds(), limit))
                .map(RowSet::rowCount);
    }

    record Previous(String requestHash, Integer status, String body) {
    }
}
