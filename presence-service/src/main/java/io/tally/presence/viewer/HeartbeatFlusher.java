package io.tally.presence.viewer;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.tally.common.db.ScheduledPasses;
import io.tally.presence.config.PresenceConfig;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Every {@code tally.presence.flush-every} (1 s), writes in one statement the heartbeats that are due: a
 * connection's latest heartbeat once the time the database has for it is {@code heartbeat-write-every} (10 s) old.
 * So the database's last-seen of a live connection is never older than write-every + flush-every, and the sweep
 * (which drops connections the database has not seen for the timeout) cannot drop a connection that heartbeats;
 * the configuration is refused at start when that bound is not well inside the timeout. Connections the database
 * no longer has (swept, or left through another replica) are forgotten when their heartbeat is written, so their
 * next heartbeat answers 404 and the client joins again.
 */
@ApplicationScoped
public class HeartbeatFlusher {

    private static final Logger LOG = Logger.getLogger(HeartbeatFlusher.class);

    private final LiveConnections live;
    private final ViewerSessions sessions;
    private final Pool pool;
    private final PresenceConfig config;

    public HeartbeatFlusher(LiveConnections live, ViewerSessions sessions, Pool pool, PresenceConfig config) {
        this.live = live;
        this.sessions = sessions;
        this.pool = pool;
        this.config = config;
    }

    void checkTiming(@Observes StartupEvent start) {
        requireWriteLagWithinTimeout(config.heartbeatWriteEvery(), config.flushEvery(), config.timeout());
    }

    /** Refuses timings under which a live connection's written time could age past half the timeout. */
    static void requireWriteLagWithinTimeout(Duration writeEvery, Duration flushEvery, Duration timeout) {
        if (writeEvery.plus(flushEvery).compareTo(timeout.dividedBy(2)) > 0) {
            throw new IllegalStateException("tally.presence.heartbeat-write-every (" + writeEvery + ") + flush-every ("
                    + flushEvery + ") must be at most half of tally.presence.timeout (" + timeout
                    + "), or the sweep could drop connections that still heartbeat");
        }
    }

    @Scheduled(every = "${tally.presence.flush-every:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return ScheduledPasses.logFailures(flush(), LOG, "Heartbeat flush (retried next time)");
    }

    public Uni<Void> flush() {
        LiveConnections.Flush due = live.takeDue(System.currentTimeMillis(), config.heartbeatWriteEvery().toMillis(),
                config.timeout().multipliedBy(2).toMillis());
        if (due.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return sessions.touch(pool, due)
                .invoke(gone -> gone.forEach(live::remove))
                .onFailure().invoke(e -> live.writeFailed(due.connectionIds()))
                .replaceWithVoid();
    }
}
