package io.tally.presence.viewer;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections this replica has seen, with their last heartbeat kept in memory between flushes: a heartbeat
 * is a map update, not a database write. Connections created on another replica are learnt on their first
 * heartbeat here.
 */
@ApplicationScoped
public class LiveConnections {

    /** One connection; the times are epoch milliseconds. */
    public static final class Connection {
        final UUID boxId;
        final UUID connectionId;
        final String viewerId;
        volatile long lastSeenMillis;
        volatile boolean dirty;

        Connection(UUID boxId, UUID connectionId, String viewerId, long lastSeenMillis) {
            this.boxId = boxId;
            this.connectionId = connectionId;
            this.viewerId = viewerId;
            this.lastSeenMillis = lastSeenMillis;
        }

        boolean belongsTo(UUID boxId, String viewerId) {
            return this.boxId.equals(boxId) && this.viewerId.equals(viewerId);
        }
    }

    /**
     * Heartbeats to write: parallel arrays for one UPDATE … FROM unnest. Arrays, not lists of boxed values or date
     * objects: a flush holds one entry per heartbeating connection (20,000 at 20,000 heartbeats/s) for as long as
     * its statement runs, long enough for young collections to promote whatever it holds.
     */
    public record Flush(UUID[] boxIds, UUID[] connectionIds, Long[] seenMillis) {
        public boolean isEmpty() {
            return connectionIds.length == 0;
        }
    }

    private final Map<UUID, Connection> byId = new ConcurrentHashMap<>();

    public Connection get(UUID connectionId) {
        return byId.get(connectionId);
    }

    public Connection add(UUID boxId, UUID connectionId, String viewerId, long nowMillis) {
        return byId.computeIfAbsent(connectionId, id -> new Connection(boxId, id, viewerId, nowMillis));
    }

    public void remove(UUID connectionId) {
        byId.remove(connectionId);
    }

    /**
     * Records a heartbeat unless the previous one was less than {@code minIntervalMillis} ago; returns the
     * milliseconds the caller must still wait (0 when accepted).
     */
    public long heartbeat(Connection connection, long nowMillis, long minIntervalMillis) {
        synchronized (connection) {
            long wait = connection.lastSeenMillis + minIntervalMillis - nowMillis;
            if (wait > 0) {
                return wait;
            }
            connection.lastSeenMillis = nowMillis;
            connection.dirty = true;
            return 0;
        }
    }

    /** The heartbeats received since the last flush; they are marked clean. */
    public Flush takeDirty() {
        List<Connection> dirty = new ArrayList<>();
        for (Connection connection : byId.values()) {
            if (connection.dirty) {
                dirty.add(connection);
            }
        }
        UUID[] boxes = new UUID[dirty.size()];
        UUID[] connections = new UUID[dirty.size()];
        Long[] seen = new Long[dirty.size()];
        for (int i = 0; i < dirty.size(); i++) {
            Connection connection = dirty.get(i);
            synchronized (connection) {
                connection.dirty = false;
                boxes[i] = connection.boxId;
                connections[i] = connection.connectionId;
                seen[i] = connection.lastSeenMillis;
            }
        }
        return new Flush(boxes, connections, seen);
    }

    /** A flush failed: its heartbeats are written with the next one. */
    public void markDirty(UUID[] connectionIds) {
        for (UUID id : connectionIds) {
            Connection connection = byId.get(id);
            if (connection != null) {
                connection.dirty = true;
            }
        }
    }
}
