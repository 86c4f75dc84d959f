package io.tally.jobs.queue;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.GroupCommit;
import io.tally.common.problem.Problem;
import io.tally.common.problem.ProblemException;
import io.tally.jobs.config.JobsConfig;
import io.tally.jobs.job.Job;
import io.tally.jobs.job.JobRepository;
import io.tally.jobs.job.JobTransactions;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Worker reports (heartbeat, complete, fail) applied in group-committed batches: the reports that arrive while a
 * batch commits share the next transaction, so a fleet completing thousands of jobs a second pays one commit per
 * batch, not per job.
 *
 * <p>A batch locks its jobs in id order (as every multi-job lock here does, so batches never deadlock each other or
 * a sweep), checks each report's lease, applies the reports in arrival order — two reports on one job see each
 * other, exactly as if they had run one after the other — and saves the jobs, their history and their events
 * set-wise. A refused report (unknown job, lost lease) answers alone while the rest commit; a batch the database
 * refuses is retried when the trouble is transient and otherwise split, so one bad report fails alone.
 */
@ApplicationScoped
public class WorkerReports {

    /** What a report does to its job once the lease checked out; returns the worker's answer. */
    @FunctionalInterface
    public interface Report<T> {
        T apply(Job job, OffsetDateTime now);
    }

    /** A report on a job, with the lease token it claims to hold. */
    public record Filed(UUID jobId, UUID leaseToken, Report<?> report) {
    }

    /** One report's answer, or why it has none (a refusal, or trouble that outlasted the retries). */
    public record Answer(Object value, Throwable failure) {
    }

    private final JobTransactions transactions;
    private final JobRepository jobs;
    private final GroupCommit<Filed, Answer> groupCommit;

    public WorkerReports(JobTransactions transactions, JobRepository jobs, JobsConfig config) {
        this.transactions = transactions;
        this.jobs = jobs;
        this.groupCommit = new GroupCommit<>(GroupCommit.splittingOnFailure(this::applyTogether,
                (report, failure) -> new Answer(null, failure)), config.queue().reportBatchSize(),
                config.queue().reportConcurrentBatches());
    }

    /** Applies {@code report} to the job if {@code leaseToken} is its current lease (409 otherwise). */
    @SuppressWarnings("unchecked")
    public <T> Uni<T> submit(UUID jobId, UUID leaseToken, Report<T> report) {
        return groupCommit.submit(new Filed(jobId, leaseToken, report)).map(answer -> {
            if (answer.failure() instanceof RuntimeException refused) {
                throw refused;
            }
            if (answer.failure() != null) {
                throw new IllegalStateException(answer.failure());
            }
            return (T) answer.value();
        });
    }

    /**
     * Applies many reports, queued together so they share as few transactions as the batch size allows; one answer
     * per report, in order. Fails as a whole (nothing applied) only when the queue has no room for all of them.
     */
    public Uni<List<Answer>> submitAll(List<Filed> reports) {
        return groupCommit.submitAll(reports, (report, failure) -> new Answer(null, failure));
    }

    private Uni<List<Answer>> applyTogether(List<Filed> batch) {
        List<UUID> ids = batch.stream().map(Filed::jobId).distinct().toList();
        return transactions.write((unit, conn) -> jobs.lock(conn, ids).flatMap(locked -> {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            List<Answer> answers = new ArrayList<>(batch.size());
            for (Filed pending : batch) {
                answers.add(applyOne(locked, pending, now));
            }
            return unit.save(locked.values()).replaceWith(answers);
        }));
    }

    /** Reports check before they change a job, so a refused one leaves its job as it was. */
    private static Answer applyOne(Map<UUID, Job> locked, Filed pending, OffsetDateTime now) {
        Job job = locked.get(pending.jobId());
        try {
            if (job == null) {
                throw ProblemException.notFound("Job " + pending.jobId());
            }
            if (!job.holdsLease(pending.leaseToken())) {
                throw new ProblemException(Problem.of(409, "lease-lost", "Lease not held",
                        "This lease token is not the job's current lease (the job is " + job.getStatus()
                                + "); stop working on it")
                        .with("jobStatus", job.getStatus().name()));
            }
            return new Answer(pending.report().apply(job, now), null);
        } catch (ProblemException refused) {
            return new Answer(null, refused);
        }
    }
}
