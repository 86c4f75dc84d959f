package io.tally.jobs.saga;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.tally.common.db.AdvisoryLocks;
import io.tally.common.db.ScheduledPasses;
import io.tally.jobs.config.JobsConfig;
import io.tally.jobs.job.Job;
import io.tally.jobs.job.JobRepository;
import io.tally.jobs.job.JobStatus;
import io.tally.jobs.job.JobTransactions;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Keeps the saga moving when an answer is overdue: a job still PENDING, or a refund still unanswered, after the
 * saga timeout is asked for again (credits' business keys make the repeat harmless), and a job still PENDING past
 * the saga deadline ends REJECTED ({@link Job#sagaDeadlinePassed}), so the asking is bounded. One replica at a time.
 */
@ApplicationScoped
public class SagaSweep {

    private static final Logger LOG = Logger.getLogger(SagaSweep.class);
    private static final String LOCK = "tally.jobs.saga-sweep";
    private static final int BATCH = 500;

    private final JobTransactions transactions;
    private final JobRepository jobs;
    private final JobsConfig config;

    public SagaSweep(JobTransactions transactions, JobRepository jobs, JobsConfig config) {
        this.transactions = transactions;
        this.jobs = jobs;
        this.config = config;
    }

    @Scheduled(every = "${tally.jobs.saga.sweep-every:5s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return ScheduledPasses.logFailures(runOnce(), LOG, "Saga sweep");
    }

    /** One pass; returns how many requests it re-published. */
    public Uni<Integer> runOnce() {
        return transactions.write((unit, conn) -> AdvisoryLocks.tryLockForTransaction(conn, LOCK)
                .flatMap(acquired -> !acquired ? Uni.createFrom().item(List.<Job>of())
                        : jobs.lockSagaWaiting(conn, config.saga().timeout(), BATCH))
                .flatMap(overdue -> {
                    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                    OffsetDateTime deadline = now.minus(config.saga().deadline());
                    int expired = 0;
                    for (Job job : overdue) {
                        if (job.getStatus() == JobStatus.PENDING && job.getCreatedAt().isBefore(deadline)) {
                            job.sagaDeadlinePassed(config.saga().deadline(), now);
                            expired++;
                        } else {
                            job.askCreditsAgain(now);
                        }
                    }
                    if (!overdue.isEmpty()) {
                        LOG.infof("Asked credits again about %d overdue jobs; rejected %d past the saga deadline",
                                overdue.size() - expired, expired);
                    }
                    return unit.save(overdue).replaceWith(overdue.size());
                }));
    }
}
