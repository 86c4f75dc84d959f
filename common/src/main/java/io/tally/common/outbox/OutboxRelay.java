package io.tally.common.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.tally.common.ServiceConfig;
import io.tally.common.db.DedicatedConnections;
import io.tally.common.db.PgNotifications;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Publishes committed outbox rows to Kafka, in commit order, and deletes them once the broker has them.
 *
 * <p>Only one replica publishes at a time, the one whose own connection holds the leader's lock
 * ({@link RelayLeadership}). A batch is a read and, once the broker has acknowledged every row of it (acks=all,
 * idempotent producer), a delete of those rows: a crash between the two republishes a batch and never loses one;
 * consumers are idempotent. When the broker is down the batch times out, nothing is deleted, and it is retried with
 * backoff while writes go on piling up in the table.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final long MAX_BACKOFF_MS = 5_000;

    private final RelayLeadership leadership;
    private final OutboxRepository repository;
    private final OutboxPublisher publisher;
    private final OutboxConfig config;
    private final PgNotifications notifications;
    private final Vertx vertx;
    private final String channel;
    private final Counter published;
    private final Counter failures;
    private final Timer batches;
    private final Timer delays;

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile boolean started;
    private volatile long retryAtMillis;
    private volatile long backoffMs;
    /** Rows the broker has acknowledged, deleted together with the next batch's read (see afterAcks). */
    private volatile List<OutboxRecord> acknowledged = List.of();
    private long pollTimerId = -1;

    public OutboxRelay(Pool pool, DedicatedConnections connections, OutboxRepository repository,
                       OutboxPublisher publisher, OutboxConfig config, PgNotifications notifications, Vertx vertx,
                       ServiceConfig service, MeterRegistry registry) {
        // PostgreSQL ends the leader's connection once it has sat idle this long. A working leader is idle at most for
        // a send that times out, the longest backoff after it and one poll interval; the send timeout again is margin.
        Duration idleLimit = config.sendTimeout().multipliedBy(2).plusMillis(MAX_BACKOFF_MS)
                .plus(config.pollInterval());
        this.leadership = new RelayLeadership(pool, connections, service.name(), idleLimit);
        this.repository = repository;
        this.publisher = publisher;
        this.config = config;
        this.notifications = notifications;
        this.vertx = vertx;
        this.channel = "tally_outbox_" + service.name();
        this.published = registry.counter("tally.outbox.published", "service", service.name());
        this.failures = registry.counter("tally.outbox.publish.failures", "service", service.name());
        this.batches = Timer.builder("tally.outbox.relay.batch")
                .description("One published batch: its read, the broker's acknowledgements and, unless the next read"
                        + " carries it, its delete")
                .tag("service", service.name())
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.delays = Timer.builder("tally.outbox.publish.delay")
                .description("From an event's occurrence (its transaction) to the broker's acknowledgement")
                .tag("service", service.name())
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.relayEnabled()) {
            LOG.info("Outbox relay disabled by configuration");
            return;
        }
        started = true;
        notifications.listen(channel, this::drainSoon).subscribe().with(ok -> { });
        pollTimerId = vertx.setPeriodic(config.pollInterval().toMillis(), id -> drainSoon());
        drainSoon();
    }

    void onStop(@Observes ShutdownEvent event) {
        started = false;
        if (pollTimerId >= 0) {
            vertx.cancelTimer(pollTimerId);
        }
        if (config.relayEnabled()) {
            // Another replica takes over at its next pass instead of waiting for this connection to time out.
            try {
                leadership.release().await().atMost(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warnf("Closing the relay's connection failed; the lock goes when the process does: %s", e);
            }
        }
    }

    /**
     * Called after every local commit that may have written outbox rows. The leader drains at once; any
     * other replica tells the leader with a (coalesced) NOTIFY.
     */
    public void wake() {
        if (!started) {
            return;
        }
        if (leadership.leading()) {
            drainSoon();
        } else {
            notifications.notifyCoalesced(channel, config.notifyCoalesce());
        }
    }

    private void drainSoon() {
        if (!started) {
            return;
        }
        pending.set(true);
        if (running.compareAndSet(false, true)) {
            runBatches();
        }
    }

    /** Runs batches back to back while there is more to do; at most one chain runs per process. */
    private void runBatches() {
        pending.set(false);
        if (!started || System.currentTimeMillis() < retryAtMillis) {
            running.set(false);
            return;
        }
        publishOneBatch().subscribe().with(
                outcome -> {
                    backoffMs = 0;
                    if (outcome == Outcome.FULL_BATCH || pending.get()) {
                        runBatches();
                    } else {
                        finishRun();
                    }
                },
                failure -> {
                    failures.increment();
                    backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(100, backoffMs * 2));
                    retryAtMillis = System.currentTimeMillis() + backoffMs;
                    LOG.warnf("Outbox publish failed, retrying in %d ms: %s", backoffMs, failure.toString());
                    finishRun();
                });
    }

    private void finishRun() {
        running.set(false);
        if (pending.get() && running.compareAndSet(false, true)) {
            runBatches();
        }
    }

    private Uni<Outcome> publishOneBatch() {
        long started = System.nanoTime();
        return leadership.lead()
                .flatMap(conn -> conn.isPresent() ? publishNext(conn.get()) : Uni.createFrom().item(Outcome.NOT_LEADER))
                .invoke(outcome -> {
                    if (outcome == Outcome.PARTIAL || outcome == Outcome.FULL_BATCH) {
                        batches.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    }
                });
    }

    private Uni<Outcome> publishNext(SqlConnection conn) {
        List<OutboxRecord> toDelete = acknowledged;
        return repository.nextBatch(conn, toDelete, config.batchSize(), config.orderingWait())
                .invoke(() -> acknowledged = List.of())
                .flatMap(batch -> batch.isEmpty()
                        ? Uni.createFrom().item(Outcome.IDLE)
                        : sendAll(batch).chain(() -> afterAcks(conn, batch)));
    }

    /*
     * Every round trip of a batch is time its events wait on a busy machine. When another batch follows at once (this
     * one was full, or a commit woke the relay meanwhile), its read carries this batch's delete in the same round
     * trip; otherwise the delete goes now, so that nothing the broker already has waits in the table.
     */
    private Uni<Outcome> afterAcks(SqlConnection conn, List<OutboxRecord> batch) {
        published.increment(batch.size());
        Outcome outcome = batch.size() == config.batchSize() ? Outcome.FULL_BATCH : Outcome.PARTIAL;
        if (outcome == Outcome.FULL_BATCH || pending.get()) {
            acknowledged = batch;
            return Uni.createFrom().item(outcome);
        }
        return repository.deletePublished(conn, batch).replaceWith(outcome);
    }

    private Uni<Void> sendAll(List<OutboxRecord> batch) {
        if (backoffMs == 0) {
            return send(batch);
        }
        // Recovering from a failed send: the producer may have lost the topics' metadata. A record whose send()
        // times out waiting for metadata fails alone while the records after it go through, which would put
        // them on the topic before it. So first one record per topic, alone; once the broker has taken those,
        // metadata is there and the rest of the batch can follow in order.
        Map<String, OutboxRecord> probes = new LinkedHashMap<>();
        batch.forEach(record -> probes.putIfAbsent(record.topic(), record));
        List<OutboxRecord> rest = batch.stream().filter(record -> probes.get(record.topic()) != record).toList();
        return send(List.copyOf(probes.values())).chain(() -> rest.isEmpty() ? Uni.createFrom().voidItem() : send(rest));
    }

    private Uni<Void> send(List<OutboxRecord> records) {
        // Handed to the producer in id order; the idempotent producer keeps that order per partition.
        CompletableFuture<?>[] acks = records.stream()
                .map(record -> publisher.send(record).thenRun(() -> delays.record(
                        Duration.between(record.occurredAt().toInstant(), Instant.now()))))
                .toArray(CompletableFuture[]::new);
        return Uni.createFrom().completionStage(CompletableFuture.allOf(acks))
                .ifNoItem().after(config.sendTimeout())
                .failWith(() -> new IllegalStateException("broker did not acknowledge "
                        + records.size() + " events within " + config.sendTimeout()))
                .replaceWithVoid();
    }

    private enum Outcome { NOT_LEADER, IDLE, PARTIAL, FULL_BATCH }
}
