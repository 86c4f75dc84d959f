package io.tally.jobs.queue;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.ScheduledPass;
import io.tally.jobs.config.JobsConfig;
import io.tally.jobs.job.JobRepository;
import io.tally.jobs.job.JobTransactions;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jboss.logging.Logger;

/**
 * Jobs whose lease ran out: the worker is presumed dead, the attempt counts as failed, and the job retries with
 * backoff or fails for good (then is refunded). One replica sweeps at a time.
 */
@ApplicationScoped
public class LeaseSweep implements ScheduledPass {

    private static final Logger LOG = Logger.getLogger(LeaseSweep.class);
    private static final String LOCK = "tally.jobs.lease-sweep";
    private static final int BATCH = 500;

    private final JobTransactions transactions;
    private final JobRepository jobs;
    private final WorkQueue queue;
    private final JobsConfig config;

    public LeaseSweep(JobTransactions transactions, JobRepository jobs, WorkQueue queue, JobsConfig config) {
        this.transactions = transactions;
        this.jobs = jobs;
        this.queue = queue;
        this.config = config;
    }

    @Override
    public Schedule schedule() {
        return new Schedule("Lease sweep", config.queue().leaseSweepEvery(), Duration.ofSeconds(2));
    }

    /** One pass; returns how many expired leases it handled. */
    @Override
    public Uni<Integer> runOnce() {
        return transactions.sweep(LOCK, conn -> jobs.lockExpiredLeases(conn, BATCH), expired -> {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            // The user reads the error; which worker went silent is for the operator's log.
            expired.forEach(job -> {
                LOG.infof("Lease of job %s expired: worker %s stopped reporting", job.getId(), job.getLeaseOwner());
                job.attemptFailed("lease expired (the worker stopped reporting)", true, queue.retryPolicy(), now);
            });
        });
    }
}
