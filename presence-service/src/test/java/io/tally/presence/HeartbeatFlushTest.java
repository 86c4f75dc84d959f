package io.tally.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.presence.viewer.LiveConnections;
import io.tally.presence.viewer.ViewerSessions;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat flush against the database: each connection gets its own heartbeat time to the millisecond, a
 * late flush never moves a time back, and only connections the database no longer has come back (to be forgotten).
 */
@QuarkusTest
class HeartbeatFlushTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final PresenceApi api = PresenceApi.local();

    @Inject
    ViewerSessions sessions;

    @Inject
    Pool pool;

    @Test
    void aFlushWritesEachHeartbeatsOwnTimeAndNeverMovesItBack() {
        UUID box = api.createBox(PresenceApi.newUser("streamer"));
        UUID first = api.joined(box, PresenceApi.newUser("first"));
        UUID second = api.joined(box, PresenceApi.newUser("second"));
        // Ahead of anything the service's own flushes write meanwhile, so greatest() keeps exactly these.
        long later = System.currentTimeMillis() + 60_000;

        assertThat(touch(box, new UUID[]{first, second}, new Long[]{later + 1_234, later + 5_678})).isEmpty();
        assertThat(lastSeenMillis(first)).isEqualTo(later + 1_234);
        assertThat(lastSeenMillis(second)).isEqualTo(later + 5_678);

        assertThat(touch(box, new UUID[]{first, second}, new Long[]{later - 120_000, later})).isEmpty();
        assertThat(lastSeenMillis(first)).isEqualTo(later + 1_234);
        assertThat(lastSeenMillis(second)).isEqualTo(later + 5_678);
    }

    @Test
    void aFlushAnswersOnlyTheConnectionsTheDatabaseNoLongerHas() {
        UUID box = api.createBox(PresenceApi.newUser("streamer"));
        UUID live = api.joined(box, PresenceApi.newUser("live"));
        UUID unknown = UUID.randomUUID();
        long now = System.currentTimeMillis();

        assertThat(touch(box, new UUID[]{live, unknown}, new Long[]{now, now})).containsExactly(unknown);
    }

    @Test
    void aConnectionSweptByAnotherReplicaIsForgottenWhenItsHeartbeatIsWritten() {
        UUID box = api.createBox(PresenceApi.newUser("streamer"));
        String viewer = PresenceApi.newUser("viewer");
        UUID connection = api.joined(box, viewer);
        pool.preparedQuery("DELETE FROM viewer_sessions WHERE connection_id = $1").execute(Tuple.of(connection))
                .await().atMost(PATIENCE);

        // This replica still holds the connection in memory and accepts heartbeats until one is written (at most
        // heartbeat-write-every + flush-every after the join) and the database answers that it is gone.
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(300))
                .until(() -> api.heartbeat(box, connection, viewer).statusCode() == 404);
    }

    private List<UUID> touch(UUID box, UUID[] connections, Long[] seenMillis) {
        UUID[] boxes = new UUID[connections.length];
        Arrays.fill(boxes, box);
        return sessions.touch(pool, new LiveConnections.Flush(boxes, connections, seenMillis)).await().atMost(PATIENCE);
    }

    private long lastSeenMillis(UUID connection) {
        return pool.preparedQuery("""
                        SELECT (extract(epoch FROM last_seen_at) * 1000)::bigint AS ms
                          FROM viewer_sessions WHERE connection_id = $1""")
                .execute(Tuple.of(connection)).await().atMost(PATIENCE).iterator().next().getLong("ms");
    }
}
