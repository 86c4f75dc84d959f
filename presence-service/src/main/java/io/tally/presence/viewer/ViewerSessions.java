package io.tally.presence.viewer;

import io.smallrye.mutiny.Uni;
import io.tally.presence.box.SessionCounts;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Viewer sessions (UNLOGGED: see V1__presence.sql) and the counts derived from them. */
@ApplicationScoped
public class ViewerSessions implements SessionCounts {

    private static final String JOIN = """
            INSERT INTO viewer_sessions (box_id, connection_id, viewer_id)
            SELECT $1, $2, $3
             WHERE (SELECT count(*) FROM viewer_sessions WHERE box_id = $1 AND viewer_id = $3) < $4""";

    private static final String LEAVE = """
            DELETE FROM viewer_sessions WHERE box_id = $1 AND connection_id = $2 AND viewer_id = $3""";

    private static final String FIND = "SELECT viewer_id FROM viewer_sessions WHERE box_id = $1 AND connection_id = $2";

    /**
     * Heartbeats gathered in memory (times in epoch milliseconds), written at once; answers only the connections
     * that no longer exist (swept, or left through another replica) — usually none, so a flush of 20,000 heartbeats
     * does not bring 20,000 rows back.
     */
    private static final String TOUCH = """
            WITH heartbeat AS (
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) AS t (box_id, connection_id, seen_ms)),
            touched AS (
                UPDATE viewer_sessions s
                   SET last_seen_at = greatest(s.last_seen_at, 'epoch'::timestamptz + h.seen_ms * interval '1 ms')
                  FROM heartbeat h
                 WHERE s.box_id = h.box_id AND s.connection_id = h.connection_id
                RETURNING s.connection_id)
            SELECT h.connection_id FROM heartbeat h
             WHERE NOT EXISTS (SELECT 1 FROM touched t WHERE t.connection_id = h.connection_id)""";

    private static final String EXPIRE = """
            DELETE FROM viewer_sessions WHERE last_seen_at < now() - make_interval(secs => $1)
            RETURNING box_id, connection_id""";

    private static final String COUNTS = """
            SELECT box_id, count(*) AS live, count(DISTINCT viewer_id) AS uniq
              FROM viewer_sessions WHERE box_id = ANY($1::uuid[]) GROUP BY box_id""";

    private static final String END_BOX = "DELETE FROM viewer_sessions WHERE box_id = $1 RETURNING connection_id";

    /** A connection removed by the sweep. */
    public record Expired(UUID boxId, UUID connectionId) {
    }

    /** False when the viewer already holds the most connections allowed in this box. */
    public Uni<Boolean> join(SqlClient client, UUID boxId, UUID connectionId, String viewerId, int maxPerViewer) {
        return client.preparedQuery(JOIN).execute(Tuple.of(boxId, connectionId, viewerId, maxPerViewer))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Boolean> leave(SqlClient client, UUID boxId, UUID connectionId, String viewerId) {
        return client.preparedQuery(LEAVE).execute(Tuple.of(boxId, connectionId, viewerId))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The viewer holding the connection, if it exists. */
    public Uni<Optional<String>> owner(SqlClient client, UUID boxId, UUID connectionId) {
        return client.preparedQuery(FIND).execute(Tuple.of(boxId, connectionId)).map(rows -> rows.iterator().hasNext()
                ? Optional.of(rows.iterator().next().getString("viewer_id")) : Optional.empty());
    }

    /** Writes the last-seen times of a flush; returns the connection ids that no longer exist. */
    public Uni<List<UUID>> touch(SqlClient client, LiveConnections.Flush heartbeats) {
        return client.preparedQuery(TOUCH)
                .execute(Tuple.of(heartbeats.boxIds(), heartbeats.connectionIds(), heartbeats.seenMillis()))
                .map(rows -> {
                    List<UUID> gone = new ArrayList<>(rows.size());
                    rows.forEach(row -> gone.add(row.getUUID("connection_id")));
                    return gone;
                });
    }

    public Uni<List<Expired>> expire(SqlClient client, Duration timeout) {
        return client.preparedQuery(EXPIRE).execute(Tuple.of(timeout.toMillis() / 1000.0)).map(rows -> {
            List<Expired> expired = new ArrayList<>();
            rows.forEach(row -> expired.add(new Expired(row.getUUID("box_id"), row.getUUID("connection_id"))));
            return expired;
        });
    }

    @Override
    public Uni<Map<UUID, Counts>> counts(SqlClient client, Collection<UUID> boxIds) {
        return client.preparedQuery(COUNTS).execute(Tuple.of(boxIds.toArray(UUID[]::new))).map(rows -> {
            Map<UUID, Counts> counts = new HashMap<>();
            rows.forEach(row -> counts.put(row.getUUID("box_id"),
                    new Counts(row.getLong("live").intValue(), row.getLong("uniq").intValue())));
            return counts;
        });
    }

    @Override
    public Uni<List<UUID>> removeAll(SqlClient client, UUID boxId) {
        return client.preparedQuery(END_BOX).execute(Tuple.of(boxId)).map(rows -> {
            List<UUID> removed = new ArrayList<>();
            rows.forEach(row -> removed.add(row.getUUID("connection_id")));
            return removed;
        });
    }
}
