package io.tally.presence.viewer;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections this replica has seen, with their last heartbeat kept in memory: a heartbeat is a map update,
 * not a database write. A connection's latest heartbeat is written once the time the database has for it is
 * {@code tally.presence.heartbeat-write-every} old ({@link #takeDue}), so a client heartbeating faster than that
 * costs the database one row update per interval, not one per heartbeat. Connections created on another replica
 * are learnt on their first heartbeat here.
 */
@ApplicationScoped
public class LiveConnections {

    /** One connection; the times are epoch milliseconds. */
    public static final class Connection {
        final UUID boxId;
        final UUID connectionId;
        final String viewerId;
        volatile long lastSeenMillis;
        /** The last heartbeat this replica wrote (or the join's time); 0 when it does not know what is written. */
        volatile long writtenMillis;

        Connection(UUID boxId, UUID connectionId, String viewerId, long lastSeenMillis) {
            this.boxId = boxId;
            this.connectionId = connectionId;
            this.viewerId = viewerId;
            this.lastSeenMillis = lastSeenMillis;
            this.writtenMillis = lastSeenMillis;
        }

        /** A heartbeat newer than the one written waits in memory. */
        boolean waitsToBeWritten() {
            return lastSeenMillis > writtenMillis;
        }

        boolean belongsTo(UUID boxId, String viewerId) {
            return this.boxId.equals(boxId) && this.viewerId.equals(viewerId);
        }
    }

    /**
     * Heartbeats due to be written: parallel arrays for one UPDATE … FROM unnest. Arrays, not lists of boxed values
     * or date objects: a flush holds one entry per connection due (thousands at 20,000 heartbeats/s) for as long as
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

    /**
     * Remembers a connection: just joined ({@code lastSeenMillis} = the join's time, which the database has), or
     * learnt from the database on a first heartbeat here (0: its next heartbeat is accepted and written at once).
     */
    public Connection add(UUID boxId, UUID connectionId, String viewerId, long lastSeenMillis) {
        return byId.computeIfAbsent(connectionId, id -> new Connection(boxId, id, viewerId, lastSeenMillis));
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
            return 0;
        }
    }

    /**
     * The heartbeats to write now — those waiting in memory whose connection's written time is at least {@code
     * writeEveryMillis} old — marked written. Connections silent for longer than {@code forgetAfterMillis} are
     * dropped from memory on the way (another replica's sweep removed them from the database; a later heartbeat
     * asks the database again).
     */
    public Flush takeDue(long nowMillis, long writeEveryMillis, long forgetAfterMillis) {
        List<Connection> due = new ArrayList<>();
        for (Iterator<Connection> it = byId.values().iterator(); it.hasNext(); ) {
            Connection connection = it.next();
            if (connection.waitsToBeWritten()) {
                if (nowMillis - connection.writtenMillis >= writeEveryMillis) {
                    due.add(connection);
                }
            } else if (connection.lastSeenMillis != 0 && nowMillis - connection.lastSeenMillis > forgetAfterMillis) {
                it.remove();
            }
        }
        UUID[] boxes = new UUID[due.size()];
        UUID[] connections = new UUID[due.size()];
        Long[] seen = new Long[due.size()];
        for (int i = 0; i < due.size(); i++) {
            Connection connection = due.get(i);
            synchronized (connection) {
                connection.writtenMillis = connection.lastSeenMillis;
                boxes[i] = connection.boxId;
                connections[i] = connection.connectionId;
                seen[i] = connection.lastSeenMillis;
            }
        }
        return new Flush(boxes, connections, seen);
    }

    /** A flush failed: its heartbeats are due again at the next one. */
    public void writeFailed(UUID[] connectionIds) {
        for (UUID id : connectionIds) {
            Connection connection = byId.get(id);
            if (connection != null) {
                connection.writtenMillis = 0;
            }
        }
    }
}
