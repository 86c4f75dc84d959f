package io.tally.presence.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Which heartbeats a flush writes (times in epoch milliseconds): a connection's latest heartbeat once the time
 * written for it is {@code WRITE_EVERY} old, at once for a connection learnt from the database, again after a failed
 * write; silent connections leave memory. The database side is {@code HeartbeatFlushTest}; that heartbeating
 * connections survive the sweep is {@code PresenceTest.heartbeatsKeepABoxPublishedPastTheTimeout}.
 */
@Tag("unit")
class LiveConnectionsTest {

    private static final long WRITE_EVERY = 10_000;
    private static final long FORGET_AFTER = 60_000;
    private static final long MIN_INTERVAL = 2_000;

    private final LiveConnections live = new LiveConnections();
    private final UUID box = UUID.randomUUID();

    @Test
    void aHeartbeatWaitsInMemoryUntilTheWrittenTimeIsWriteEveryOld() {
        UUID id = UUID.randomUUID();
        LiveConnections.Connection joined = live.add(box, id, "viewer", 1_000);

        assertThat(live.heartbeat(joined, 4_000, MIN_INTERVAL)).isZero();
        assertThat(takeDue(10_999).isEmpty()).isTrue();

        assertThat(live.heartbeat(joined, 8_000, MIN_INTERVAL)).isZero();
        LiveConnections.Flush due = takeDue(11_000);
        assertThat(due.connectionIds()).containsExactly(id);
        assertThat(due.seenMillis()).containsExactly(8_000L);
        assertThat(takeDue(12_000).isEmpty()).as("written, nothing newer").isTrue();

        assertThat(live.heartbeat(joined, 12_000, MIN_INTERVAL)).isZero();
        assertThat(takeDue(17_999).isEmpty()).as("8,000 was written").isTrue();
        assertThat(takeDue(18_000).seenMillis()).containsExactly(12_000L);
    }

    @Test
    void aConnectionLearntFromTheDatabaseIsWrittenAtTheNextFlush() {
        UUID id = UUID.randomUUID();
        LiveConnections.Connection learnt = live.add(box, id, "viewer", 0);

        assertThat(live.heartbeat(learnt, 50_000, MIN_INTERVAL)).isZero();
        assertThat(takeDue(50_001).seenMillis()).containsExactly(50_000L);
    }

    @Test
    void aFailedWriteIsDueAgainAtTheNextFlush() {
        UUID id = UUID.randomUUID();
        LiveConnections.Connection joined = live.add(box, id, "viewer", 1_000);
        live.heartbeat(joined, 11_000, MIN_INTERVAL);
        LiveConnections.Flush failed = takeDue(11_500);
        assertThat(failed.connectionIds()).containsExactly(id);

        live.writeFailed(failed.connectionIds());

        assertThat(takeDue(12_000).seenMillis()).containsExactly(11_000L);
    }

    @Test
    void silentConnectionsLeaveMemoryButOneWithAHeartbeatToWriteStays() {
        UUID silent = UUID.randomUUID();
        UUID waiting = UUID.randomUUID();
        live.add(box, silent, "silent", 1_000);
        live.heartbeat(live.add(box, waiting, "waiting", 1_000), 3_000, MIN_INTERVAL);

        LiveConnections.Flush due = takeDue(3_000 + FORGET_AFTER + 1);

        assertThat(due.connectionIds()).containsExactly(waiting);
        assertThat(live.get(silent)).isNull();
        assertThat(live.get(waiting)).isNotNull();
    }

    @Test
    void timingsThatLetAWrittenTimeAgePastHalfTheTimeoutAreRefused() {
        HeartbeatFlusher.requireWriteLagWithinTimeout(Duration.ofSeconds(10), Duration.ofSeconds(1),
                Duration.ofSeconds(30));
        HeartbeatFlusher.requireWriteLagWithinTimeout(Duration.ofSeconds(14), Duration.ofSeconds(1),
                Duration.ofSeconds(30));

        assertThatThrownBy(() -> HeartbeatFlusher.requireWriteLagWithinTimeout(Duration.ofSeconds(15),
                Duration.ofSeconds(1), Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("heartbeat-write-every");
    }

    private LiveConnections.Flush takeDue(long nowMillis) {
        return live.takeDue(nowMillis, WRITE_EVERY, FORGET_AFTER);
    }
}
