package io.tally.common.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.tally.common.ServiceConfig;
import io.tally.common.db.AdvisoryLocks;
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
 * <p>Only one replica publishes at a time: each batch runs in a transaction that first takes an advisory
 * lock, so leadership moves to another replica as soon as this one stops. Sending happens inside that
 * transaction and the rows are deleted only after the broker acknowledged them (acks=all, idempotent
 * producer), so a crash between the two republishes a batch and never loses one; consumers are idempotent.
 * When the broker is down the batch times out, rolls back and is retried with backoff while writes go on
 * piling up in the table.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final long MAX_BACKOFF_MS = 5_000;

    private final Pool pool;
    private final OutboxRepository repository;
    private final OutboxPublisher publisher;
    private final OutboxConfig config;
    private final PgNotifications notifications;
    private final Vertx vertx;
    private final String lockName;
    private final String channel;
    private final Counter published;
    private final Counter failures;
    private final Timer batches;
    private final Timer delays;

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile boolean leader;
    private volatile boolean started;
    private volatile long retryAtMillis;
    private volatile long backoffMs;
    private long pollTimerId = -1;

    public OutboxRelay(Pool pool, OutboxRepository repository, OutboxPublisher publisher, OutboxConfig config,
                       PgNotifications notifications, Vertx vertx, ServiceConfig service, MeterRegistry registry) {
        this.pool = pool;
        this.repository = repository;
        this.publisher = publisher;
        this.config = config;
        this.notifications = notifications;
        this.vertx = vertx;
        this.lockName = "tally." + service.name() + ".outbox-relay";
        this.channel = "tally_outbox_" + service.name();
        this.published = registry.counter("tally.outbox.published", "service", service.name());
        this.failures = registry.counter("tally.outbox.publish.failures", "service", service.name());
        this.batches = Timer.builder("tally.outbox.relay.batch")
                .description("One published batch: its transaction from the read to the commit, broker included")
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
    }

    /**
     * Called after every local commit that may have written outbox rows. The leader drains at once; any
     * other replica tells the leader with a (coalesced) NOTIFY.
     */
    public void wake() {
        if (!started) {
            return;
        }
        if (leader) {
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

    /*
     * Every round trip of a batch is time its events wait on a busy machine, so the lock and the read go together
     * (the read answers nothing to a replica that did not get the lock).
     */
    private Uni<Outcome> publishOneBatch() {
        long started = System.nanoTime();
        return pool.withTransaction(conn -> Uni.combine().all()
                        .unis(AdvisoryLocks.tryLockForTransaction(conn, lockName),
                                repository.nextBatch(conn, lockName, config.batchSize(), config.orderingWait()))
                        .asTuple()
                        .flatMap(lockAndBatch -> {
                            // Taken between the two statements, the lock leaves rows read by a replica that was not
                            // the leader when it asked: they wait for its next pass.
                            leader = lockAndBatch.getItem1();
                            return leader ? publish(conn, lockAndBatch.getItem2())
                                    : Uni.createFrom().item(Outcome.NOT_LEADER);
                        }))
                .invoke(outcome -> {
                    if (outcome == Outcome.PARTIAL || outcome == Outcome.FULL_BATCH) {
                        batches.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                    }
                });
    }

    private Uni<Outcome> publish(SqlConnection conn, List<OutboxRecord> batch) {
        return batch.isEmpty()
                ? Uni.createFrom().item(Outcome.IDLE)
                : sendAll(batch)
                        .chain(() -> repository.deletePublished(conn, batch))
                        .invoke(() -> published.increment(batch.size()))
                        .map(x -> batch.size() == config.batchSize() ? Outcome.FULL_BATCH : Outcome.PARTIAL);
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
