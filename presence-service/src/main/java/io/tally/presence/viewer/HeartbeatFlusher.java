package io.tally.presence.viewer;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.tally.common.db.ScheduledPasses;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Writes the heartbeats gathered in memory, all in one statement, every {@code tally.presence.flush-every}
 * (1 s). Between flushes the database's last-seen lags by at most that much, far inside the 30 s timeout.
 * Connections the database no longer has (swept, or left through another replica) are forgotten here, so their
 * next heartbeat answers 404 and the client joins again.
 */
@ApplicationScoped
public class HeartbeatFlusher {

    private static final Logger LOG = Logger.getLogger(HeartbeatFlusher.class);

    private final LiveConnections live;
    private final ViewerSessions sessions;
    private final Pool pool;

    public HeartbeatFlusher(LiveConnections live, ViewerSessions sessions, Pool pool) {
        this.live = live;
        this.sessions = sessions;
        this.pool = pool;
    }

    @Scheduled(every = "${tally.presence.flush-every:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return ScheduledPasses.logFailures(flush(), LOG, "Heartbeat flush (retried next time)");
    }

    public Uni<Void> flush() {
        LiveConnections.Flush dirty = live.takeDirty();
        if (dirty.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return sessions.touch(pool, dirty)
                .invoke(gone -> gone.forEach(live::remove))
                .onFailure().invoke(e -> live.markDirty(dirty.connectionIds()))
                .replaceWithVoid();
    }
}
