package io.tally.common.http;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ends the open Server-Sent Event streams as soon as the service begins to shut down, each with a last
 * {@code reconnect} event whose {@code retry:} field tells the client's EventSource when to reconnect (with its
 * Last-Event-ID, to a replica that stays). Without it a rollout would either cut every stream mid-air or hold the
 * shutdown for quarkus.shutdown.timeout, since a stream is a request that never finishes by itself.
 *
 * <p>Quarkus announces the shutdown with {@link ShutdownDelayInitiatedEvent} at its start, while requests are still
 * served (quarkus.shutdown.delay-enabled; readiness is already DOWN then).
 */
@ApplicationScoped
public class StreamShutdown {

    /** What a client waits before reconnecting: long enough for the load balancer to have dropped this replica. */
    public static final long RECONNECT_AFTER_MS = 1_000;

    private final Set<Runnable> farewells = ConcurrentHashMap.newKeySet();
    private volatile boolean shuttingDown;

    /** The stream as it is, ended with a {@code reconnect} event when the service shuts down. */
    public Multi<OutboundSseEvent> untilShutdown(Multi<OutboundSseEvent> stream, Sse sse) {
        return Multi.createFrom().emitter(emitter -> {
            Cancellable upstream = stream.subscribe().with(emitter::emit, emitter::fail, emitter::complete);
            Runnable farewell = () -> {
                upstream.cancel();
                emitter.emit(sse.newEventBuilder().name("reconnect").reconnectDelay(RECONNECT_AFTER_MS)
                        .data("this server is shutting down; reconnect").build());
                emitter.complete();
            };
            farewells.add(farewell);
            emitter.onTermination(() -> {
                farewells.remove(farewell);
                upstream.cancel();
            });
            if (shuttingDown && farewells.remove(farewell)) {
                farewell.run();
            }
        });
    }

    void onShutdownStarting(@Observes ShutdownDelayInitiatedEvent event) {
        shuttingDown = true;
        for (Runnable farewell : farewells) {
            if (farewells.remove(farewell)) {
                farewell.run();
            }
        }
    }
}
