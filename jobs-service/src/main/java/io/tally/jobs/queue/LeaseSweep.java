package io.tally.jobs.queue;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.tally.common.db.AdvisoryLocks;
import io.tally.common.db.ScheduledPasses;
import io.tally.jobs.job.Job;
import io.tally.jobs.job.JobRepository;
import io.tally.jobs.job.JobTransactions;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Jobs whose lease ran out: the worker is presumed dead, the attempt counts as failed, and the job retries with
 * backoff or fails for good (then is refunded). One replica sweeps at a time.
 */
@ApplicationScoped
public class LeaseSweep {

    private static final Logger LOG = Logger.getLogger(LeaseSweep.class);
    private static final String LOCK = "tally.jobs.lease-sweep";
    private static final int BATCH = 500;

    private final JobTransactions transactions;
    private final JobRepository jobs;
    private final WorkQueue queue;

    public LeaseSweep(JobTransactions transactions, JobRepository jobs, WorkQueue queue) {
        this.transactions = transactions;
        this.jobs = jobs;
        this.queue = queue;
    }

    @Scheduled(every = "${tally.jobs.queue.lease-sweep-every:1s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return ScheduledPasses.logFailures(runOnce(), LOG, "Lease sweep");
    }

    /** One pass; returns how many expired leases it handled. */
    public Uni<Integer> runOnce() {
        return transactions.write((unit, conn) -> AdvisoryLocks.tryLockForTransaction(conn, LOCK)
                .flatMap(acquired -> !acquired ? Uni.createFrom().item(List.<Job>of())
                        : jobs.lockExpiredLeases(conn, BATCH))
                .flatMap(expired -> {
                    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                    // The user reads the error; which worker went silent is for the operator's log.
                    expired.forEach(job -> {
                        LOG.infof("Lease of job %s expired: worker %s stopped reporting", job.getId(),
                                job.getLeaseOwner());
                        job.attemptFailed("lease expired (the worker stopped reporting)", true, queue.retryPolicy(),
                                now);
                    });
                    return unit.save(expired).replaceWith(expired.size());
                }));
    }
}
