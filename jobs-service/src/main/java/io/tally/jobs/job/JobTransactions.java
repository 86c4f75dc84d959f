package io.tally.jobs.job;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.AdvisoryLocks;
import io.tally.common.db.Pipelined;
import io.tally.common.outbox.Transactions;
import io.tally.common.outbox.OutboxWriter;
import io.tally.common.outbox.OutgoingEvent;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The write path of every job change: one transaction in which the changed jobs, their history and their events
 * (outbox) are saved together, their statements {@link Pipelined}; after the commit, workers and SSE streams are woken.
 */
@ApplicationScoped
public class JobTransactions {

    private final Transactions transactions;
    private final JobRepository repository;
    private final OutboxWriter outbox;
    private final JobSignals signals;

    public JobTransactions(Transactions transactions, JobRepository repository, OutboxWriter outbox,
                           JobSignals signals) {
        this.transactions = transactions;
        this.repository = repository;
        this.outbox = outbox;
        this.signals = signals;
    }

    /** What a unit of work touched: its jobs are saved before the commit and signalled after it. */
    public final class Unit {
        private final SqlConnection conn;
        private final Set<UUID> changed = new HashSet<>();
        private boolean runnable;

        private Unit(SqlConnection conn) {
            this.conn = conn;
        }

        public SqlConnection conn() {
            return conn;
        }

        public Uni<Void> insert(List<Job> jobs) {
            jobs.forEach(job -> changed.add(job.getId()));
            return Pipelined.inOrder(repository.insert(conn, jobs), repository.appendHistory(conn, jobs),
                    flushEvents(jobs));
        }

        public Uni<Void> save(Collection<Job> jobs) {
            for (Job job : jobs) {
                if (job.isDirty()) {
                    changed.add(job.getId());
                    runnable |= job.getStatus().isRunnable();
                }
            }
            return Pipelined.inOrder(repository.save(conn, jobs), flushEvents(jobs));
        }

        public Uni<Void> save(Job job) {
            return save(List.of(job));
        }

        /**
         * Deferred: the events are taken (and serialised) when the statement is sent, a failure fails the Uni. Each
         * goes in its job's trace, whichever request, consumer or sweep made the change.
         */
        private Uni<Void> flushEvents(Collection<Job> jobs) {
            return Uni.createFrom().deferred(() -> {
                List<OutgoingEvent> events = new ArrayList<>();
                jobs.forEach(job -> {
                    job.pendingEvents().forEach(event -> events.add(new OutgoingEvent(event, job.getTraceParent())));
                    job.pendingEvents().clear();
                });
                return outbox.appendTraced(conn, events);
            });
        }
    }

    /**
     * A sweep's pass, done by one replica at a time: takes the named lock for the transaction (or, when another
     * replica holds it, does nothing), locks a batch of jobs, lets {@code change} act on them and saves them.
     * Answers how many jobs the pass handled.
     */
    public Uni<Integer> sweep(String lockName, Function<SqlConnection, Uni<List<Job>>> lockBatch,
                              Consumer<List<Job>> change) {
        return write((unit, conn) -> AdvisoryLocks.ifAcquired(conn, lockName, List.<Job>of(),
                        () -> lockBatch.apply(conn))
                .flatMap(jobs -> {
                    change.accept(jobs);
                    return unit.save(jobs).replaceWith(jobs.size());
                }));
    }

    public <T> Uni<T> write(BiFunction<Unit, SqlConnection, Uni<T>> work) {
        // Deferred, so that a retried write starts from a fresh unit.
        return Uni.createFrom().deferred(() -> {
            Unit[] unit = new Unit[1];
            return transactions.write(conn -> {
                unit[0] = new Unit(conn);
                return work.apply(unit[0], conn);
            }).invoke(() -> {
                signals.jobsChanged(unit[0].changed);
                if (unit[0].runnable) {
                    signals.workArrived();
                }
            });
        });
    }
}
