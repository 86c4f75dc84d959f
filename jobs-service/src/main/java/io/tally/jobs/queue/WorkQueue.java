package io.tally.jobs.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.smallrye.mutiny.Uni;
import io.tally.common.problem.Problem;
import io.tally.common.problem.ProblemMappers;
import io.tally.common.problem.ProblemException;
import io.tally.jobs.config.JobsConfig;
import io.tally.jobs.job.Job;
import io.tally.jobs.job.JobRepository;
import io.tally.jobs.job.JobRepository.Candidate;
import io.tally.jobs.job.JobSignals;
import io.tally.jobs.job.JobTransactions;
import io.tally.common.db.Pipelined;
import io.tally.jobs.job.RetryPolicy;
import io.tally.jobs.pricing.JobSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The worker side of the queue: claim with a lease (long-polling when empty), heartbeat, complete, fail, and
 * reports that complete and fail many leases and claim the next ones in one call.
 *
 * <p>Claims run one at a time across all replicas (a transaction-scoped advisory lock): that makes the per-user
 * bound on running jobs exact, and costs little because one claim takes up to a whole batch. Rows are still
 * selected {@code FOR UPDATE SKIP LOCKED}, so a claim never waits for a cancel or a heartbeat holding a job.
 * Heartbeats and reports go through {@link WorkerReports}, which checks the lease and group-commits them.
 */
@ApplicationScoped
public class WorkQueue {

    private static final List<String> ALL_TYPES = List.of(JobSpec.TEXT_TO_VIDEO, JobSpec.IMAGE_TO_VIDEO,
            JobSpec.TEXT_TO_IMAGE);
    private static final String CLAIM_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('tally.jobs.claim', 0))";
    private static final Duration RECHECK = Duration.ofSeconds(1);
    private static final String REPORTS_PATH = "/worker/jobs/reports";

    private final JobTransactions transactions;
    private final JobRepository jobs;
    private final JobSignals signals;
    private final JobsConfig config;
    private final RetryPolicy retry;
    private final WorkerReports reports;

    public WorkQueue(JobTransactions transactions, JobRepository jobs, JobSignals signals, JobsConfig config,
                     WorkerReports reports) {
        this.transactions = transactions;
        this.jobs = jobs;
        this.signals = signals;
        this.config = config;
        this.reports = reports;
        this.retry = RetryPolicy.of(config.retry());
    }

    public Uni<List<ClaimedJob>> claim(String workerId, WorkerRequests.Claim request) {
        return claim(workerId, orderOf(request, ""));
    }

    /** A claim's parameters, checked against the queue's bounds before anything happens. */
    private record ClaimOrder(List<String> types, int limit, Duration lease, Duration patience) {
    }

    /** {@code field} prefixes the names of refused fields: the claim may be part of a larger body. */
    private ClaimOrder orderOf(WorkerRequests.Claim request, String field) {
        JobsConfig.Queue queue = config.queue();
        List<String> types = request.types() == null || request.types().isEmpty() ? ALL_TYPES
                : List.copyOf(Set.copyOf(request.types()));
        int limit = request.limit() == null ? 1 : request.limit();
        if (limit > queue.maxClaimBatch()) {
            throw ProblemException.invalidField(field + "limit", "must be at most " + queue.maxClaimBatch());
        }
        Duration lease = leaseOf(request.leaseSeconds(), field);
        int wait = request.waitSeconds() == null ? 0 : request.waitSeconds();
        if (wait > queue.maxWaitSeconds()) {
            throw ProblemException.invalidField(field + "waitSeconds", "must be at most " + queue.maxWaitSeconds());
        }
        return new ClaimOrder(types, limit, lease, Duration.ofSeconds(wait));
    }

    private Uni<List<ClaimedJob>> claim(String workerId, ClaimOrder order) {
        long deadline = System.nanoTime() + order.patience().toNanos();
        return claimUntil(workerId, order.types(), order.limit(), order.lease(), deadline);
    }

    private Uni<List<ClaimedJob>> claimUntil(String workerId, List<String> types, int limit, Duration lease,
                                             long deadline) {
        return claimOnce(workerId, types, limit, lease).flatMap(claimed -> {
            Duration remaining = Duration.ofNanos(deadline - System.nanoTime());
            // Less than a millisecond left is no time to wait in: answer now (timers are in whole milliseconds).
            if (!claimed.isEmpty() || remaining.compareTo(JobSignals.SHORTEST_WAIT) < 0) {
                return Uni.createFrom().item(claimed);
            }
            Duration pause = remaining.compareTo(RECHECK) < 0 ? remaining : RECHECK;
            return signals.awaitWork(pause).chain(() -> claimUntil(workerId, types, limit, lease, deadline));
        });
    }

    private Uni<List<ClaimedJob>> claimOnce(String workerId, List<String> types, int limit, Duration lease) {
        int maxPerUser = config.queue().maxRunningPerUser();
        // Owners already at their bound are filtered by the query; the spare candidates stand in for jobs of owners
        // this batch itself brings to the bound. Few spares: every candidate stays row-locked until the claim commits,
        // and claims run one at a time.
        int window = limit * 2;
        // Pipelined, the candidates' query still runs once the lock is held, so its snapshot sees every claim
        // committed before this one.
        return transactions.write((unit, conn) -> Pipelined.answeringSecond(conn.query(CLAIM_LOCK).execute(),
                        jobs.claimCandidates(conn, types, maxPerUser, window))
                .flatMap(candidates -> {
                    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                    List<ClaimedJob> claimed = new ArrayList<>();
                    List<Job> picked = new ArrayList<>();
                    Map<String, Integer> runningPerUser = new HashMap<>();
                    for (Candidate candidate : candidates) {
                        if (picked.size() == limit) {
                            break;
                        }
                        Job job = candidate.job();
                        int running = runningPerUser.getOrDefault(job.getUserId(), candidate.ownerRunning());
                        if (running >= maxPerUser) {
                            continue;
                        }
                        runningPerUser.put(job.getUserId(), running + 1);
                        UUID token = UUID.randomUUID();
                        job.claim(workerId, token, lease, now);
                        picked.add(job);
                        claimed.add(new ClaimedJob(token, job.getLeaseExpiresAt(), job));
                    }
                    return unit.save(picked).replaceWith(claimed);
                }));
    }

    public record HeartbeatAnswer(boolean cancelRequested, String status, OffsetDateTime leaseExpiresAt) {
    }

    public Uni<HeartbeatAnswer> heartbeat(UUID jobId, WorkerRequests.Heartbeat request) {
        Duration lease = leaseOf(request.leaseSeconds(), "");
        return reports.submit(jobId, request.leaseToken(), (job, now) -> {
            int progress = request.progress() == null ? job.getProgress() : request.progress();
            boolean cancel = job.heartbeat(progress, lease, now);
            return new HeartbeatAnswer(cancel, job.getStatus().name(), job.getLeaseExpiresAt());
        });
    }

    public Uni<Job> complete(UUID jobId, WorkerRequests.Complete request) {
        return reports.submit(jobId, request.leaseToken(), completion(request));
    }

    public Uni<Job> fail(UUID jobId, WorkerRequests.Fail request) {
        return reports.submit(jobId, request.leaseToken(), failure(request));
    }

    private static WorkerReports.Report<Job> completion(WorkerRequests.Complete request) {
        return (job, now) -> {
            job.complete(request.resultUrl(), request.providerCost(), request.providerName(), request.providerJobId(),
                    request.credits(), now);
            return job;
        };
    }

    private WorkerReports.Report<Job> failure(WorkerRequests.Fail request) {
        boolean retryable = request.retryable() == null || request.retryable();
        return (job, now) -> {
            job.attemptFailed(request.error(), retryable, retry, now);
            return job;
        };
    }

    /** What one report came to: the job's status after it, or the problem that refused it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReportOutcome(String status, Problem problem) {

        static ReportOutcome of(WorkerReports.Answer answer) {
            return answer.failure() == null ? new ReportOutcome(((Job) answer.value()).getStatus().name(), null)
                    : new ReportOutcome(null, ProblemMappers.problemOf(answer.failure(), REPORTS_PATH));
        }
    }

    /**
     * The answer to a reports call: each report's outcome, by job id, and the next claim's jobs (or, when the reports
     * committed but the claim could not run, the problem that stopped it).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReportsAnswer(Map<UUID, ReportOutcome> complete, Map<UUID, ReportOutcome> fail,
                                List<ClaimedJob> jobs, Problem claimProblem) {
    }

    /**
     * Completes and fails many leases in one call, then claims the next jobs if asked: one round trip per batch of
     * work instead of one per job. The reports are group-committed together (WorkerReports) and answer one by one,
     * a refused report (a lost lease) beside the ones that committed. Everything is checked before anything is
     * applied: a call with too many reports or a bad claim changes nothing.
     */
    public Uni<ReportsAnswer> report(String workerId, WorkerRequests.Reports request) {
        Map<UUID, WorkerRequests.Complete> completions = request.completions();
        Map<UUID, WorkerRequests.Fail> failures = request.failures();
        int max = config.queue().maxClaimBatch();
        if (completions.size() + failures.size() > max) {
            throw ProblemException.invalidField("complete", "a call reports at most " + max
                    + " jobs, complete and fail together");
        }
        ClaimOrder next = request.claim() == null ? null : orderOf(request.claim(), "claim.");
        List<WorkerReports.Filed> filed = new ArrayList<>();
        completions.forEach((id, done) -> filed.add(new WorkerReports.Filed(id, done.leaseToken(), completion(done))));
        failures.forEach((id, failed) -> filed.add(new WorkerReports.Filed(id, failed.leaseToken(), failure(failed))));
        return reports.submitAll(filed).flatMap(answers -> {
            Iterator<WorkerReports.Answer> inOrder = answers.iterator();
            Map<UUID, ReportOutcome> completed = new LinkedHashMap<>();
            completions.keySet().forEach(id -> completed.put(id, ReportOutcome.of(inOrder.next())));
            Map<UUID, ReportOutcome> failed = new LinkedHashMap<>();
            failures.keySet().forEach(id -> failed.put(id, ReportOutcome.of(inOrder.next())));
            if (next == null) {
                return Uni.createFrom().item(new ReportsAnswer(completed, failed, List.of(), null));
            }
            // The reports are in: a failed claim must not hide them, or the worker would report them again.
            return claim(workerId, next)
                    .map(jobs -> new ReportsAnswer(completed, failed, jobs, null))
                    .onFailure().recoverWithItem(trouble -> new ReportsAnswer(completed, failed, List.of(),
                            ProblemMappers.problemOf(trouble, REPORTS_PATH)));
        });
    }

    private Duration leaseOf(Integer seconds, String field) {
        JobsConfig.Queue queue = config.queue();
        int value = seconds == null ? queue.defaultLeaseSeconds() : seconds;
        if (value > queue.maxLeaseSeconds()) {
            throw ProblemException.invalidField(field + "leaseSeconds", "must be at most " + queue.maxLeaseSeconds());
        }
        return Duration.ofSeconds(value);
    }

    /** Exposed for the lease sweep: the same retry rules as a worker-reported failure. */
    RetryPolicy retryPolicy() {
        return retry;
    }
}
