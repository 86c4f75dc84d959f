package io.tally.common.db;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import io.tally.common.ServiceConfig;
import io.tally.common.idempotency.IdempotencyConfig;
import io.tally.common.idempotency.IdempotencyRepository;
import io.tally.common.inbox.InboxRepository;
import io.tally.common.outbox.OutboxConfig;
import io.tally.common.outbox.OutboxRepository;
import io.tally.common.ratelimit.RateLimiter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Prunes what the backbone accumulates: published outbox rows, old inbox ids, expired idempotency keys and
 * rate-limit windows. One replica at a time, in bounded batches so no prune holds long locks.
 */
@ApplicationScoped
public class Housekeeping {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class);
    private static final int BATCH = 5_000;

    private final io.vertx.mutiny.sqlclient.Pool pool;
    private final OutboxRepository outbox;
    private final InboxRepository inbox;
    private final IdempotencyRepository idempotency;
    private final RateLimiter rateLimiter;
    private final OutboxConfig outboxConfig;
    private final IdempotencyConfig idempotencyConfig;
    private final Config config;
    private final String lockName;

    public Housekeeping(io.vertx.mutiny.sqlclient.Pool pool, OutboxRepository outbox, InboxRepository inbox,
                        IdempotencyRepository idempotency, RateLimiter rateLimiter, OutboxConfig outboxConfig,
                        IdempotencyConfig idempotencyConfig, Config config, ServiceConfig service) {
        this.pool = pool;
        this.outbox = outbox;
        this.inbox = inbox;
        this.idempotency = idempotency;
        this.rateLimiter = rateLimiter;
        this.outboxConfig = outboxConfig;
        this.idempotencyConfig = idempotencyConfig;
        this.config = config;
        this.lockName = "tally." + service.name() + ".housekeeping";
    }

    @Scheduled(every = "${tally.housekeeping.every:10m}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return ScheduledPasses.logFailures(runOnce(), LOG, "Housekeeping");
    }

    /** One pass; returns the number of rows removed (0 when another replica holds the lock). */
    public Uni<Integer> runOnce() {
        return pool.withTransaction(conn -> AdvisoryLocks.tryLockForTransaction(conn, lockName)
                .flatMap(acquired -> !acquired ? Uni.createFrom().item(0)
                        : outbox.prunePublished(conn, outboxConfig.retention(), BATCH)
                                .flatMap(a -> inbox.prune(conn, config.inboxRetention(), BATCH).map(b -> a + b))
                                .flatMap(a -> idempotency.prune(conn, idempotencyConfig.ttl(), BATCH).map(b -> a + b))
                                .flatMap(a -> rateLimiter.pruneExpired(conn).map(b -> a + b))));
    }

    @ConfigMapping(prefix = "tally.housekeeping")
    public interface Config {

        /**
         * Inbox ids are kept this long. A redelivery older than that would be applied again, which is why the
         * effects also carry business idempotency keys (job:{id}:charge…) as a second line of defence.
         */
        @WithDefault("14d")
        Duration inboxRetention();
    }
}
