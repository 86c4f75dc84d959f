package io.tally.common.inbox;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** SQL of the inbox table: one row per (consumer, event id) ever applied. */
@ApplicationScoped
public class InboxRepository {

    private static final String RECORD = """
            INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2, $3)
            ON CONFLICT (consumer, event_id) DO NOTHING
            """;

    private static final String RECORD_MANY = """
            INSERT INTO inbox (consumer, event_id, event_type)
            SELECT $1, e.id, e.type FROM unnest($2::text[], $3::text[]) AS e(id, type)
            ON CONFLICT (consumer, event_id) DO NOTHING
            RETURNING event_id
            """;

    private static final String PRUNE = """
            DELETE FROM inbox
             WHERE ctid IN (SELECT ctid FROM inbox
                             WHERE processed_at < now() - make_interval(secs => $1)
                             LIMIT $2)
            """;

    /**
     * Records the event; false when it was recorded before. A concurrent duplicate waits on the primary key
     * until the first transaction ends, then sees the conflict.
     */
    Uni<Boolean> recordFirstDelivery(SqlClient client, String consumer, InboundEvent event) {
        return client.preparedQuery(RECORD)
                .execute(Tuple.of(consumer, event.id(), event.type()))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Batch form of {@link #recordFirstDelivery}: returns the ids recorded now; every other id was applied
     * before (or appears twice in the list, in which case only its first occurrence counts).
     */
    public Uni<java.util.Set<String>> recordFirstDeliveries(SqlClient client, String consumer,
                                                            java.util.List<String> eventIds,
                                                            java.util.List<String> eventTypes) {
        if (eventIds.isEmpty()) {
            return Uni.createFrom().item(java.util.Set.of());
        }
        return client.preparedQuery(RECORD_MANY)
                .execute(Tuple.of(consumer, eventIds.toArray(String[]::new), eventTypes.toArray(String[]::new)))
                .map(rows -> {
                    java.util.Set<String> recorded = new java.util.HashSet<>();
                    rows.forEach(row -> recorded.add(row.getString("event_id")));
                    return recorded;
                });
    }

    public Uni<Integer> prune(SqlClient client, Duration retention, int limit) {
        return client.preparedQuery(PRUNE)
                .execute(Tuple.of((double) retention.toSeconds(), limit))
                .map(RowSet::rowCount);
    }
}
