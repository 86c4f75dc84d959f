package io.tally.presence.box;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.Columns;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class BoxRepository {

    static final String COLUMNS = """
            id, streamer_id, title, is_published, published_at, unpublished_at, live_connections, unique_viewers,
            created_at, ended_at""";

    private static final String INSERT = "INSERT INTO boxes (id, streamer_id, title) VALUES ($1, $2, $3) RETURNING "
            + COLUMNS;

    private static final String FIND = "SELECT " + COLUMNS + " FROM boxes WHERE id = $1";

    private static final String OPEN_BOXES_OF = "SELECT count(*) FROM boxes WHERE streamer_id = $1 AND ended_at IS NULL";

    private static final String FIND_MANY = "SELECT " + COLUMNS + " FROM boxes WHERE id = ANY($1::uuid[])";

    /** Most watched first; the cursor is the last row's (live_connections, id). */
    private static final String DISCOVER = "SELECT " + COLUMNS + """
             FROM boxes
            WHERE is_published AND ended_at IS NULL
              AND (live_connections < $1 OR (live_connections = $1 AND id > $2))
            ORDER BY live_connections DESC, id
            LIMIT $3""";

    /**
     * Locks the boxes whose presence is being recomputed, in id order (no deadlock between replicas). NO KEY
     * UPDATE, not UPDATE: a join has already taken the foreign key's KEY SHARE lock on its box when it gets here,
     * and two joins holding KEY SHARE would deadlock asking for UPDATE.
     */
    private static final String LOCK_STATES = """
            SELECT id, streamer_id, is_published, empty_since, live_connections, unique_viewers, ended_at
              FROM boxes WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE""";

    private static final String SAVE_STATES = """
            UPDATE boxes
               SET is_published = s.is_published, empty_since = s.empty_since, live_connections = s.live,
                   unique_viewers = s.uniq,
                   published_at = CASE WHEN s.is_published AND NOT boxes.is_published THEN s.at
                                       ELSE boxes.published_at END,
                   unpublished_at = CASE WHEN boxes.is_published AND NOT s.is_published THEN s.at
                                         ELSE boxes.unpublished_at END,
                   ended_at = coalesce(boxes.ended_at, s.ended_at)
              FROM unnest($1::uuid[], $2::bool[], $3::timestamptz[], $4::int[], $5::int[], $6::timestamptz[],
                          $7::timestamptz[]) AS s (id, is_published, empty_since, live, uniq, at, ended_at)
             WHERE boxes.id = s.id""";

    /**
     * Published boxes the sweep recounts even if no connection of theirs expired: those waiting out their grace
     * period, and those whose count disagrees with their sessions. viewer_sessions is UNLOGGED, so crash recovery or
     * a promoted standby empties it while the boxes still count their viewers; without the recount such a box would
     * stay published with nobody watching (BRIEF I6). One index-only count per published box.
     */
    private static final String TO_RECOUNT = """
            SELECT b.id FROM boxes b
             WHERE b.is_published
               AND (b.empty_since IS NOT NULL
                    OR b.live_connections <> (SELECT count(*) FROM viewer_sessions v WHERE v.box_id = b.id))""";

    /**
     * Claims the boxes whose counts changed since their last ViewerCountChanged, at most once per interval per
     * box: the row lock and the time condition let exactly one replica emit each.
     */
    private static final String CLAIM_COUNT_CHANGES = """
            UPDATE boxes
               SET counts_emitted_at = now(), emitted_connections = live_connections, emitted_viewers = unique_viewers
             WHERE id IN (SELECT id FROM boxes
                           WHERE (live_connections <> emitted_connections OR unique_viewers <> emitted_viewers)
                             AND (counts_emitted_at IS NULL OR counts_emitted_at <= now() - make_interval(secs => $1))
                           ORDER BY id
                           LIMIT $2
                           FOR UPDATE SKIP LOCKED)
            RETURNING id, live_connections, unique_viewers""";

    public record CountChange(UUID boxId, int liveConnections, int uniqueViewers) {
    }

    public Uni<List<CountChange>> claimCountChanges(SqlClient client, java.time.Duration every, int limit) {
        return client.preparedQuery(CLAIM_COUNT_CHANGES).execute(Tuple.of(every.toMillis() / 1000.0, limit))
                .map(rows -> {
                    List<CountChange> changes = new ArrayList<>();
                    rows.forEach(row -> changes.add(new CountChange(row.getUUID("id"),
                            row.getInteger("live_connections"), row.getInteger("unique_viewers"))));
                    return changes;
                });
    }

    public Uni<Box> insert(SqlClient client, UUID id, String streamerId, String title) {
        return client.preparedQuery(INSERT).execute(Tuple.of(id, streamerId, title))
                .map(rows -> from(rows.iterator().next()));
    }

    public Uni<Long> openBoxesOf(SqlClient client, String streamerId) {
        return client.preparedQuery(OPEN_BOXES_OF).execute(Tuple.of(streamerId))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Optional<Box>> find(SqlClient client, UUID id) {
        return client.preparedQuery(FIND).execute(Tuple.of(id)).map(BoxRepository::first);
    }

    public Uni<List<Box>> findMany(SqlClient client, Collection<UUID> ids) {
        return client.preparedQuery(FIND_MANY).execute(Tuple.of(ids.toArray(UUID[]::new))).map(BoxRepository::all);
    }

    public Uni<List<Box>> discover(SqlClient client, int afterLive, UUID afterId, int limit) {
        return client.preparedQuery(DISCOVER).execute(Tuple.of(afterLive, afterId, limit)).map(BoxRepository::all);
    }

    public Uni<List<BoxState>> lockStates(SqlClient client, Collection<UUID> ids) {
        return client.preparedQuery(LOCK_STATES).execute(Tuple.of(ids.toArray(UUID[]::new))).map(rows -> {
            List<BoxState> states = new ArrayList<>();
            rows.forEach(row -> states.add(new BoxState(row.getUUID("id"), row.getString("streamer_id"),
                    row.getBoolean("is_published"), row.getOffsetDateTime("empty_since"),
                    row.getInteger("live_connections"), row.getInteger("unique_viewers"),
                    row.getOffsetDateTime("ended_at"))));
            return states;
        });
    }

    public Uni<Void> saveStates(SqlClient client, List<BoxState> states, OffsetDateTime at) {
        if (states.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery(SAVE_STATES).execute(Columns.of(states)
                        .add(BoxState::id, UUID[]::new)
                        .add(BoxState::published, Boolean[]::new)
                        .add(BoxState::emptySince, OffsetDateTime[]::new)
                        .add(BoxState::liveConnections, Integer[]::new)
                        .add(BoxState::uniqueViewers, Integer[]::new)
                        .add(s -> at, OffsetDateTime[]::new)
                        .add(BoxState::endedAt, OffsetDateTime[]::new)
                        .tuple())
                .replaceWithVoid();
    }

    public Uni<List<UUID>> toRecount(SqlClient client) {
        return client.preparedQuery(TO_RECOUNT).execute().map(rows -> {
            List<UUID> ids = new ArrayList<>();
            rows.forEach(row -> ids.add(row.getUUID("id")));
            return ids;
        });
    }

    private static Optional<Box> first(RowSet<Row> rows) {
        return rows.iterator().hasNext() ? Optional.of(from(rows.iterator().next())) : Optional.empty();
    }

    private static List<Box> all(RowSet<Row> rows) {
        List<Box> boxes = new ArrayList<>();
        rows.forEach(row -> boxes.add(from(row)));
        return boxes;
    }

    private static Box from(Row row) {
        return new Box(row.getUUID("id"), row.getString("streamer_id"), row.getString("title"),
                row.getBoolean("is_published"), row.getOffsetDateTime("published_at"),
                row.getOffsetDateTime("unpublished_at"), row.getInteger("live_connections"),
                row.getInteger("unique_viewers"), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("ended_at"));
    }
}
