package io.tally.presence.viewer;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.AdvisoryLocks;
import io.tally.common.outbox.Transactions;
import io.tally.common.problem.Problem;
import io.tally.common.problem.ProblemException;
import io.tally.presence.box.BoxRepository;
import io.tally.presence.box.BoxStreams;
import io.tally.presence.box.PresenceUpdates;
import io.tally.presence.config.PresenceConfig;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Joining, heartbeating and leaving a box. Join and leave recompute the box's presence in their transaction, so
 * the first viewer publishes the box at once and the last one's leave unpublishes it (after the grace period).
 * A heartbeat touches memory only; {@link HeartbeatFlusher} writes them in bulk.
 */
@ApplicationScoped
public class Viewers {

    private final Transactions transactions;
    private final Pool pool;
    private final BoxRepository boxes;
    private final ViewerSessions sessions;
    private final PresenceUpdates updates;
    private final BoxStreams streams;
    private final PresenceConfig config;
    private final LiveConnections live;

    public Viewers(Transactions transactions, Pool pool, BoxRepository boxes, ViewerSessions sessions,
                   PresenceUpdates updates, BoxStreams streams, PresenceConfig config, LiveConnections live) {
        this.transactions = transactions;
        this.pool = pool;
        this.boxes = boxes;
        this.sessions = sessions;
        this.updates = updates;
        this.streams = streams;
        this.config = config;
        this.live = live;
    }

    /** What a client must honour after joining. */
    public record Joined(UUID connectionId, long heartbeatIntervalSeconds, long timeoutSeconds,
                         long minHeartbeatIntervalSeconds) {
    }

    public Uni<Joined> join(UUID boxId, String viewerId) {
        UUID connectionId = UUID.randomUUID();
        return transactions.write(conn -> boxes.find(conn, boxId).flatMap(found -> {
                    if (found.isEmpty()) {
                        throw ProblemException.notFound("Box " + boxId);
                    }
                    if (found.get().ended()) {
                        throw ProblemException.conflict("box-ended", "Box " + boxId + " has ended");
                    }
                    // Two joins of the same viewer at once would both count below the cap: they take turns.
                    return AdvisoryLocks.lockForTransaction(conn, "tally.presence.join:" + boxId + "/" + viewerId)
                            .chain(() -> sessions.join(conn, boxId, connectionId, viewerId,
                                    config.maxConnectionsPerViewer()));
                }).flatMap(joined -> {
                    if (!joined) {
                        throw new ProblemException(Problem.of(429, "too-many-connections", "Too many connections",
                                "You already watch this box on " + config.maxConnectionsPerViewer() + " connections"));
                    }
                    return updates.recompute(conn, List.of(boxId));
                }))
                .invoke(() -> {
                    live.add(boxId, connectionId, viewerId, System.currentTimeMillis());
                    streams.changed(List.of(boxId));
                })
                .replaceWith(() -> joined(connectionId));
    }

    /** A heartbeat on one's own connection: memory only, unless this replica has not seen the connection yet. */
    public Uni<Joined> heartbeat(UUID boxId, UUID connectionId, String viewerId) {
        LiveConnections.Connection known = live.get(connectionId);
        Uni<LiveConnections.Connection> connection = known != null ? Uni.createFrom().item(known)
                : sessions.owner(pool, boxId, connectionId).map(owner -> owner
                        .map(v -> live.add(boxId, connectionId, v, 0L)).orElse(null));
        return connection.map(c -> {
            if (c == null || !c.belongsTo(boxId, viewerId)) {
                throw ProblemException.notFound("Connection " + connectionId);
            }
            long waitMillis = live.heartbeat(c, System.currentTimeMillis(), config.minHeartbeatInterval().toMillis());
            if (waitMillis > 0) {
                long seconds = Math.max(1, (waitMillis + 999) / 1000);
                throw new ProblemException(Problem.of(429, "heartbeat-too-fast", "Heartbeat too fast",
                        "Heartbeat at most every " + config.minHeartbeatInterval().toSeconds() + " s"),
                        Map.of("Retry-After", Long.toString(seconds)));
            }
            return joined(connectionId);
        });
    }

    /**
     * The heartbeat's answer when memory alone can accept it — a connection this replica knows, of this box and
     * viewer, heartbeating no faster than the minimum interval — else null and nothing is recorded: {@link
     * #heartbeat} then decides, with its errors.
     */
    public Joined acceptHeartbeatFromMemory(UUID boxId, UUID connectionId, String viewerId) {
        LiveConnections.Connection c = live.get(connectionId);
        if (c == null || !c.belongsTo(boxId, viewerId)
                || live.heartbeat(c, System.currentTimeMillis(), config.minHeartbeatInterval().toMillis()) > 0) {
            return null;
        }
        return joined(connectionId);
    }

    private Joined joined(UUID connectionId) {
        return new Joined(connectionId, config.heartbeatInterval().toSeconds(), config.timeout().toSeconds(),
                config.minHeartbeatInterval().toSeconds());
    }

    public Uni<Void> leave(UUID boxId, UUID connectionId, String viewerId) {
        return transactions.write(conn -> sessions.leave(conn, boxId, connectionId, viewerId).flatMap(left -> {
                    if (!left) {
                        throw ProblemException.notFound("Connection " + connectionId);
                    }
                    return updates.recompute(conn, List.of(boxId));
                }))
                .invoke(() -> {
                    live.remove(connectionId);
                    streams.changed(List.of(boxId));
                });
    }
}
