package io.tally.jobs.job;

import io.smallrye.mutiny.Uni;
import io.tally.common.paging.TimeIdCursor;
import io.tally.common.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * What a user does with their own jobs. Another user's job is simply not found (404), never forbidden, so ids
 * reveal nothing.
 */
@ApplicationScoped
public class UserJobs {

    private final Pool pool;
    private final JobRepository jobs;
    private final JobTransactions transactions;

    public UserJobs(Pool pool, JobRepository jobs, JobTransactions transactions) {
        this.pool = pool;
        this.jobs = jobs;
        this.transactions = transactions;
    }

    public Uni<Job> find(String userId, UUID id) {
        return jobs.findOwn(pool, id, userId).map(found -> found.orElseThrow(() -> notFound(id)));
    }

    public Uni<List<Job>> list(String userId, TimeIdCursor before, JobStatus status, boolean includeDeleted, int limit) {
        return jobs.list(pool, userId, before.createdAt(), before.id(), status, includeDeleted, limit);
    }

    public Uni<List<Job>> deleted(String userId, TimeIdCursor before, int limit) {
        return jobs.deleted(pool, userId, before.createdAt(), before.id(), limit);
    }

    public Uni<List<JobRepository.StatusStats>> stats(String userId) {
        return jobs.stats(pool, userId);
    }

    public Uni<Job> cancel(String userId, UUID id) {
        return change(userId, id, Job::cancel);
    }

    public Uni<Job> softDelete(String userId, UUID id) {
        return change(userId, id, Job::softDelete);
    }

    public Uni<Job> restore(String userId, UUID id) {
        return change(userId, id, (job, now) -> job.restore());
    }

    private Uni<Job> change(String userId, UUID id, BiConsumer<Job, OffsetDateTime> action) {
        return transactions.write((unit, conn) -> jobs.lockOwn(conn, id, userId).flatMap(found -> {
            Job job = found.orElseThrow(() -> notFound(id));
            action.accept(job, OffsetDateTime.now(ZoneOffset.UTC));
            return unit.save(job).replaceWith(job);
        }));
    }

    private static ProblemException notFound(UUID id) {
        return ProblemException.notFound("Job " + id);
    }
}
