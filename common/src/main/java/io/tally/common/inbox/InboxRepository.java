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

    public Uni<Integer> prune(SqlClient client, Duration retention, int limit) {
        return client.preparedQuery(PRUNE)
                .execute(Tuple.of((double) retention.toSeconds(), limit))
                .map(RowSet::rowCount);
    }
}
