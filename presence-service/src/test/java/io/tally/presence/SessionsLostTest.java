package io.tally.presence;

import static io.tally.presence.PresenceApi.BOX_UNPUBLISHED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.events.Topics;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TopicReader;
import io.tally.presence.viewer.PresenceSweep;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * viewer_sessions is UNLOGGED: PostgreSQL's crash recovery (or a promoted standby) comes back with it empty while the
 * boxes still count their viewers. The sweep recounts such boxes, so none stays published without a viewer (I6);
 * a viewer who is still there learns it from its next heartbeats (404) and joins again.
 */
@QuarkusTest
class SessionsLostTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final PresenceApi api = PresenceApi.local();

    @Inject
    Pool pool;

    @Inject
    PresenceSweep sweep;

    @Test
    void aBoxWhoseSessionsWereLostIsUnpublishedByTheNextSweep() {
        try (TopicReader events = new TopicReader(Topics.PRESENCE)) {
            UUID box = api.createBox(PresenceApi.newUser("streamer"));
            String viewer = PresenceApi.newUser("viewer");
            UUID connection = api.joined(box, viewer);
            api.joined(box, PresenceApi.newUser("other"));
            assertThat(api.published(box)).isTrue();

            // What crash recovery leaves of this box's sessions (only this box's, so other tests keep theirs).
            TestSql.execute(pool, "DELETE FROM viewer_sessions WHERE box_id = $1", box);
            sweep.runOnce().await().atMost(PATIENCE);

            assertThat(api.published(box)).isFalse();
            assertThat(api.box(box, "observer").then().statusCode(200).extract().<Integer>path("liveConnections")).isZero();
            await().atMost(PATIENCE).until(() -> PresenceApi.events(events, box, BOX_UNPUBLISHED).size() == 1);

            // The viewer still watching is told its connection is gone, and joining again publishes the box again.
            await().atMost(PATIENCE).until(() -> api.heartbeat(box, connection, viewer).statusCode() == 404);
            api.joined(box, viewer);
            assertThat(api.published(box)).isTrue();
        }
    }
}
