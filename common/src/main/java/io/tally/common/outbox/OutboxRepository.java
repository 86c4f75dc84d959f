package io.tally.common.outbox;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.Columns;
import io.tally.common.db.Pipelined;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL of the outbox table (created by the db/common migrations in each service's schema). */
@ApplicationScoped
public class OutboxRepository {

    /*
     * All of a transaction's rows in one execution (a batch of a single-row INSERT costs one execution, with its
     * bind and executor start-up, per row). ORDER BY the position keeps the ids in append order, which is the
     * order the relay publishes a key's events in.
     */
    private static final String INSERT = """
            INSERT INTO outbox (event_id, topic, event_key, event_type, payload, occurred_at, trace_parent)
            SELECT e.event_id, e.topic, e.event_key, e.event_type, e.payload::json, e.occurred_at, e.trace_parent
              FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
                   WITH ORDINALITY AS e(event_id, topic, event_key, event_type, payload, occurred_at, trace_parent,
                                        position)
             ORDER BY e.position
            """;

    /*
     * txid < xmin of our snapshot means the writing transaction and every transaction older than it have
     * ended, so no row with a smaller id can still appear: reading in id order then equals commit order.
     */
    private static final String NEXT_BATCH = """
            SELECT id, event_id, topic, event_key, event_type, payload::text AS payload, occurred_at, trace_parent
              FROM outbox
             WHERE txid < pg_snapshot_xmin(pg_current_snapshot())
                OR created_at < now() - make_interval(secs => $2)
             ORDER BY id
             LIMIT $1
            """;

    /*
     * A published row leaves once the broker has it: the broker holds the event from here on. (Marking it published
     * instead cost a second heap tuple and three index entries per event, then a prune.)
     */
    private static final String DELETE_PUBLISHED = """
            DELETE FROM outbox WHERE id = ANY($1)
            """;

    private static final String BACKLOG = """
            SELECT count(*) AS backlog,
                   coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest_age_seconds
              FROM outbox
            """;

    Uni<Void> insert(SqlClient client, List<NewRow> rows) {
        Tuple columns = Columns.of(rows)
                .add(NewRow::eventId, UUID[]::new)
                .add(NewRow::topic, String[]::new)
                .add(NewRow::key, String[]::new)
                .add(NewRow::type, String[]::new)
                .add(NewRow::payload, String[]::new)
                .add(NewRow::occurredAt, OffsetDateTime[]::new)
                .add(NewRow::traceParent, String[]::new)
                .tuple();
        return client.preparedQuery(INSERT).execute(columns).replaceWithVoid();
    }

    /** An event to insert into the outbox; {@code traceParent} may be null (see EventTracing). */
    record NewRow(UUID eventId, String topic, String key, String type, String payload, OffsetDateTime occurredAt,
                  String traceParent) {
    }

    /**
     * The next rows to publish, after deleting {@code published} (rows the broker has acknowledged) in the same round
     * trip. For the relay's leader connection, whose session reads the table through its primary key
     * ({@link RelayLeadership}); each statement commits on its own.
     */
    Uni<List<OutboxRecord>> nextBatch(SqlClient conn, List<OutboxRecord> published, int limit, Duration orderingWait) {
        Uni<RowSet<Row>> read = conn.preparedQuery(NEXT_BATCH)
                .execute(Tuple.of(limit, (double) orderingWait.toMillis() / 1000));
        return (published.isEmpty() ? read : Pipelined.answeringSecond(deletePublished(conn, published), read))
                .map(OutboxRepository::records);
    }

    Uni<Void> deletePublished(SqlClient conn, List<OutboxRecord> records) {
        Long[] ids = records.stream().map(OutboxRecord::id).toArray(Long[]::new);
        return conn.preparedQuery(DELETE_PUBLISHED).execute(Tuple.of(ids)).replaceWithVoid();
    }

    Uni<Backlog> backlog(SqlClient client) {
        return client.query(BACKLOG).execute().map(rows -> {
            Row row = rows.iterator().next();
            return new Backlog(row.getLong("backlog"), row.getDouble("oldest_age_seconds"));
        });
    }

    private static List<OutboxRecord> records(RowSet<Row> rows) {
        List<OutboxRecord> records = new ArrayList<>(rows.size());
        for (Row row : rows) {
            records.add(OutboxRecord.from(row));
        }
        return records;
    }

    record Backlog(long rows, double oldestAgeSeconds) {
    }
}
