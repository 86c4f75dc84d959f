package io.tally.common.outbox;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.AdvisoryLocks;
import io.tally.common.db.DedicatedConnections;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Which replica publishes: the one whose own connection holds the advisory lock {@code tally.<service>.outbox-relay}
 * for its session. The lock lives as long as that connection, so the leader keeps it from batch to batch with no
 * transaction around them, and loses it the moment the connection ends: the process stops or dies, the network
 * drops it, or PostgreSQL ends it after {@code idle_session_timeout}, which no working leader reaches (it reads at
 * least every poll interval) and which bounds how long a leader that vanished without closing its socket (its node
 * lost) keeps the others waiting. A replica that does not lead holds no such connection: at each pass it asks through
 * its pool whether the lock is free, and only then connects to take it, so a service holds one connection more than
 * its pools, not one more per replica.
 */
final class RelayLeadership {

    private final Pool pool;
    private final DedicatedConnections connections;
    private final String lockName;
    private final Map<String, String> session;
    private volatile PgConnection connection;
    private volatile boolean leading;

    RelayLeadership(Pool pool, DedicatedConnections connections, String service, Duration idleLimit) {
        this.pool = pool;
        this.connections = connections;
        this.lockName = "tally." + service + ".outbox-relay";
        this.session = Map.of(
                // Who holds the lock, for an operator reading pg_locks and pg_stat_activity.
                "application_name", "tally-" + service + "-outbox-relay",
                // The outbox is a queue whose table grows to thousands of pages of dead rows between two vacuums:
                // its head is found through the primary key, whatever a plan cached while it was empty says.
                "enable_seqscan", "off",
                "idle_session_timeout", idleLimit.toMillis() + "ms");
    }

    /** This replica's connection if it leads, taking the lock when nobody holds it; empty while another leads. */
    Uni<Optional<SqlConnection>> lead() {
        PgConnection current = connection;
        if (current != null && leading) {
            return Uni.createFrom().item(Optional.of(current));
        }
        return AdvisoryLocks.isFree(pool, lockName).flatMap(free -> free
                ? connect().flatMap(this::takeLock)
                : Uni.createFrom().item(Optional.<SqlConnection>empty()));
    }

    private Uni<Optional<SqlConnection>> takeLock(PgConnection conn) {
        return AdvisoryLocks.tryLockForSession(conn, lockName).flatMap(acquired -> {
            if (acquired) {
                leading = true;
                return Uni.createFrom().item(Optional.<SqlConnection>of(conn));
            }
            // Another replica took it since the pool said it was free.
            return release().replaceWith(Optional.<SqlConnection>empty());
        });
    }

    boolean leading() {
        return leading;
    }

    /** Ends the connection, and with it the lock, so that another replica takes over at once. */
    Uni<Void> release() {
        PgConnection current = connection;
        connection = null;
        leading = false;
        return current == null ? Uni.createFrom().voidItem() : current.close();
    }

    private Uni<PgConnection> connect() {
        PgConnection current = connection;
        if (current != null) {
            return Uni.createFrom().item(current);
        }
        return connections.open(session).invoke(conn -> {
            connection = conn;
            conn.closeHandler(() -> {
                if (connection == conn) {
                    connection = null;
                    leading = false;
                }
            });
        });
    }
}
