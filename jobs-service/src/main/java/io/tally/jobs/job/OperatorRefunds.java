package io.tally.jobs.job;

import io.smallrye.mutiny.Uni;
import io.tally.common.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;

/**
 * An operator's refund of a completed job, in one transaction: the job locked, its charge moved to REFUND_REQUESTED,
 * its history and the JobRefundRequested event written with it. credits answers through the saga (CreditsRefunded →
 * REFUNDED, or RefundRejected → REFUND_REFUSED), and the saga sweep asks again if the answer is late.
 */
@ApplicationScoped
public class OperatorRefunds {

    private final JobRepository jobs;
    private final JobTransactions transactions;

    public OperatorRefunds(JobRepository jobs, JobTransactions transactions) {
        this.jobs = jobs;
        this.transactions = transactions;
    }

    public Uni<Job> refund(UUID id, String operatorId, String operatorName, String reason) {
        return transactions.write((unit, conn) -> jobs.lock(conn, Set.of(id)).flatMap(locked -> {
            Job job = locked.get(id);
            if (job == null) {
                throw ProblemException.notFound("Job " + id);
            }
            job.refundByOperator(operatorId, operatorName, reason, OffsetDateTime.now(ZoneOffset.UTC));
            return unit.save(job).replaceWith(job);
        }));
    }
}
