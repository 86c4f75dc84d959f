package io.tally.jobs.saga;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.ScheduledPass;
import io.tally.jobs.config.JobsConfig;
import io.tally.jobs.job.Job;
import io.tally.jobs.job.JobRepository;
import io.tally.jobs.job.JobStatus;
import io.tally.jobs.job.JobTransactions;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jboss.logging.Logger;

/**
 * Keeps the saga moving when an answer is overdue: a job still PENDING, or a capture, void or refund still unanswered,
 * after the saga timeout is asked for again (credits' business keys make the repeat harmless), and a job still PENDING past
 * the saga deadline ends REJECTED ({@link Job#sagaDeadlinePassed}), so the asking is bounded. One replica at a time.
 */
@ApplicationScoped
public class SagaSweep implements ScheduledPass {

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

    @Override
    public Schedule schedule() {
        return new Schedule("Saga sweep", config.saga().sweepEvery(), Duration.ofSeconds(5));
    }

    /** One pass; returns how many overdue jobs it handled. */
    @Override
    public Uni<Integer> runOnce() {
        return transactions.sweep(LOCK, conn -> jobs.lockSagaWaiting(conn, config.saga().timeout(), BATCH),
                overdue -> {
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
                });
    }
}
