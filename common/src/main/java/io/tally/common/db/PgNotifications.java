package io.tally.common.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * LISTEN/NOTIFY between replicas of one service. Listening uses a dedicated connection that reconnects on
 * its own; notifying is coalesced so a burst of writes costs one NOTIFY per window, always sent after the
 * last request of the burst.
 */
@ApplicationScoped
public class PgNotifications {

    private static final Logger LOG = Logger.getLogger(PgNotifications.class);

    private final Pool pool;
    private final Vertx vertx;
    private final PgConnectOptions listenOptions;
    private final ConcurrentHashMap<String, AtomicBoolean> pendingNotifies = new ConcurrentHashMap<>();
    private volatile PgSubscriber subscriber;

    public PgNotifications(Pool pool, Vertx vertx, DedicatedConnections connections) {
        this.pool = pool;
        this.vertx = vertx;
        this.listenOptions = connections.options();
    }

    /** Calls {@code onNotify} (on an event loop) whenever someone notifies {@code channel}. */
    public synchronized Uni<Void> listen(String channel, Runnable onNotify) {
        if (subscriber == null) {
            subscriber = PgSubscriber.subscriber(vertx, listenOptions)
                    .reconnectPolicy(retries -> 1_000L);
        }
        subscriber.channel(channel).handler(payload -> onNotify.run());
        return subscriber.connect()
                .onFailure().invoke(e -> LOG.warnf("LISTEN %s not established yet (%s); polling covers it", channel,
                        e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Sends one NOTIFY on {@code channel} at the end of the current coalescing window. */
    public void notifyCoalesced(String channel, Duration window) {
        AtomicBoolean pending = pendingNotifies.computeIfAbsent(channel, c -> new AtomicBoolean());
        if (pending.compareAndSet(false, true)) {
            vertx.setTimer(Math.max(1, window.toMillis()), id -> {
                pending.set(false);
                pool.preparedQuery("SELECT pg_notify($1, '')").execute(Tuple.of(channel))
                        .subscribe().with(ok -> { }, e -> LOG.debugf("NOTIFY %s failed: %s", channel, e.getMessage()));
            });
        }
    }

    @PreDestroy
    void close() {
        PgSubscriber current = subscriber;
        if (current != null) {
            current.closeAndForget();
        }
    }
}
