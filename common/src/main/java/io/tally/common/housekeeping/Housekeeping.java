package io.tally.common.housekeeping;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import io.tally.common.ServiceConfig;
import io.tally.common.db.AdvisoryLocks;
import io.tally.common.db.ScheduledPass;
import io.tally.common.idempotency.IdempotencyConfig;
import io.tally.common.idempotency.IdempotencyRepository;
import io.tally.common.inbox.InboxRepository;
import io.tally.common.ratelimit.RateLimiter;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.List;

/**
 * Prunes what the backbone accumulates: old inbox ids, expired idempotency keys and rate-limit windows (outbox
 * rows leave as they are published), then what the service's {@link HousekeepingTask}s prune. One replica at a time, in bounded batches so no prune holds long locks; a
 * pass goes on batch after batch while there is a backlog, so pruning keeps up with any write rate.
 */
@ApplicationScoped
public class Housekeeping implements ScheduledPass {

    private final io.vertx.mutiny.sqlclient.Pool pool;
    private final InboxRepository inbox;
    private final IdempotencyRepository idempotency;
    private final RateLimiter rateLimiter;
    private final IdempotencyConfig idempotencyConfig;
    private final Config config;
    private final List<HousekeepingTask> tasks;
    private final String lockName;

    public Housekeeping(io.vertx.mutiny.sqlclient.Pool pool, InboxRepository inbox, IdempotencyRepository idempotency,
                        RateLimiter rateLimiter, IdempotencyConfig idempotencyConfig, Config config,
                        ServiceConfig service, Instance<HousekeepingTask> tasks) {
        this.pool = pool;
        this.inbox = inbox;
        this.idempotency = idempotency;
        this.rateLimiter = rateLimiter;
        this.idempotencyConfig = idempotencyConfig;
        this.config = config;
        this.tasks = tasks.stream().toList();
        this.lockName = "tally." + service.name() + ".housekeeping";
    }

    @Override
    public Schedule schedule() {
        return new Schedule("Housekeeping", config.every(), Duration.ofSeconds(30));
    }

    /**
     * One pass: rounds of bounded deletes, each in its own short transaction, until a round finds every table
     * below a full batch or the pass has run {@code max-pass-duration}. Returns the rows removed (0 when another
     * replica holds the lock).
     */
    @Override
    public Uni<Integer> runOnce() {
        return roundsFrom(0, System.nanoTime() + config.maxPassDuration().toNanos());
    }

    private Uni<Integer> roundsFrom(int removedSoFar, long deadlineNanos) {
        return oneRound().flatMap(round -> round.full() && System.nanoTime() < deadlineNanos
                ? roundsFrom(removedSoFar + round.removed(), deadlineNanos)
                : Uni.createFrom().item(removedSoFar + round.removed()));
    }

    private Uni<Round> oneRound() {
        int batch = config.batchSize();
        return pool.withTransaction(conn -> AdvisoryLocks.ifAcquired(conn, lockName, new Round(0, false),
                () -> inbox.prune(conn, config.inboxRetention(), batch)
                        .flatMap(a -> idempotency.prune(conn, idempotencyConfig.ttl(), batch)
                                .flatMap(b -> rateLimiter.pruneExpired(conn)
                                        .flatMap(c -> tasksFrom(0, conn, batch, new Round(a + b + c,
                                                a == batch || b == batch)))))));
    }

    private Uni<Round> tasksFrom(int index, SqlClient conn, int batch, Round soFar) {
        if (index == tasks.size()) {
            return Uni.createFrom().item(soFar);
        }
        return tasks.get(index).prune(conn, batch).flatMap(removed -> tasksFrom(index + 1, conn, batch,
                new Round(soFar.removed() + removed, soFar.full() || removed == batch)));
    }

    /** @param full whether some table filled its batch, so more may be waiting */
    private record Round(int removed, boolean full) {
    }

    @ConfigMapping(prefix = "tally.housekeeping")
    public interface Config {

        /**
         * Inbox ids are kept this long. A redelivery older than that would be applied again, which is why the
         * effects also carry business idempotency keys (job:{id}:charge…) as a second line of defence.
         */
        @WithDefault("14d")
        Duration inboxRetention();

        /** How often a pass runs. */
        @WithDefault("10m")
        Duration every();

        /** Rows deleted per table per round (one short transaction). */
        @WithDefault("5000")
        int batchSize();

        /** A pass stops after this long even with a backlog left; the next pass goes on with it. */
        @WithDefault("2m")
        Duration maxPassDuration();
    }
}
