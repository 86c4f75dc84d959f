package io.tally.presence.viewer;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.AdvisoryLocks;
import io.tally.common.db.ScheduledPass;
import io.tally.common.outbox.Transactions;
import io.tally.presence.box.BoxRepository;
import io.tally.presence.box.BoxStreams;
import io.tally.presence.box.PresenceUpdates;
import io.tally.presence.config.PresenceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Every {@code tally.presence.sweep-every} (5 s): drops connections silent for longer than the timeout and
 * recomputes the boxes they were in, plus the boxes waiting out their grace period and those whose count disagrees
 * with their sessions (after PostgreSQL lost the UNLOGGED sessions). This replica's heartbeats that
 * are due are flushed first (the others are recent enough in the database: {@link HeartbeatFlusher}). One replica
 * sweeps at a time (advisory lock); even if two did, the transitions are decided under
 * the boxes' row locks, so each is emitted once.
 */
@ApplicationScoped
public class PresenceSweep implements ScheduledPass {

    private static final String LOCK = "tally.presence.sweep";

    private final HeartbeatFlusher flusher;
    private final Transactions transactions;
    private final ViewerSessions sessions;
    private final BoxRepository boxes;
    private final PresenceUpdates updates;
    private final BoxStreams streams;
    private final LiveConnections live;
    private final PresenceConfig config;

    public PresenceSweep(HeartbeatFlusher flusher, Transactions transactions, ViewerSessions sessions,
                         BoxRepository boxes, PresenceUpdates updates, BoxStreams streams, LiveConnections live,
                         PresenceConfig config) {
        this.flusher = flusher;
        this.transactions = transactions;
        this.sessions = sessions;
        this.boxes = boxes;
        this.updates = updates;
        this.streams = streams;
        this.live = live;
        this.config = config;
    }

    @Override
    public Schedule schedule() {
        return new Schedule("Presence sweep", config.sweepEvery(), Duration.ofSeconds(1));
    }

    /** One pass; returns the boxes it recomputed (empty when another replica held the sweep). */
    @Override
    public Uni<Set<UUID>> runOnce() {
        return flusher.flush()
                .chain(() -> transactions.write(conn -> AdvisoryLocks.ifAcquired(conn, LOCK, Set.<UUID>of(),
                        () -> sessions.expire(conn, config.timeout()).flatMap(expired -> boxes.toRecount(conn)
                                .flatMap(waiting -> {
                                    Set<UUID> affected = new LinkedHashSet<>(waiting);
                                    expired.forEach(e -> {
                                        affected.add(e.boxId());
                                        live.remove(e.connectionId());
                                    });
                                    return updates.recompute(conn, affected).replaceWith(affected);
                                })))))
                .invoke(affected -> streams.changed(affected));
    }
}
