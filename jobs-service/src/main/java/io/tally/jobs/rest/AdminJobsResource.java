package io.tally.jobs.rest;

import io.smallrye.mutiny.Uni;
import io.tally.common.paging.TimeIdCursor;
import io.tally.common.problem.ProblemException;
import io.tally.common.security.CurrentUser;
import io.tally.common.security.Roles;
import io.tally.jobs.job.Job;
import io.tally.jobs.job.JobRepository;
import io.tally.jobs.job.JobRepository.HistoryRow;
import io.tally.jobs.job.UserJobs;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * An operator's view of one user's jobs and of any one job with its whole history, for a support ticket ("my render
 * failed and I was charged"). Reads only; a user who never submitted a job, or a job that does not exist, is 404.
 */
@Path("/jobs/admin")
@RolesAllowed({Roles.ADMIN, Roles.SUPPORT})   // reads only: support staff see what admins see
public class AdminJobsResource {

    private final Pool pool;
    private final JobRepository jobs;
    private final UserJobs userJobs;

    public AdminJobsResource(Pool pool, JobRepository jobs, UserJobs userJobs) {
        this.pool = pool;
        this.jobs = jobs;
        this.userJobs = userJobs;
    }

    /** The user's jobs, newest first, as the user lists them (deleted ones with {@code deleted=true}). */
    @GET
    @Path("/users/{userId}/jobs")
    public Uni<JobsResource.JobPage> jobsOf(
            @PathParam("userId") @Size(min = 1, max = CurrentUser.MAX_USER_ID_LENGTH) String userId,
            @QueryParam("limit") @DefaultValue("20") @Min(1) @Max(100) int limit,
            @QueryParam("cursor") String cursor, @QueryParam("status") String status,
            @QueryParam("deleted") @DefaultValue("false") boolean includeDeleted) {
        TimeIdCursor before = TimeIdCursor.decode(cursor);
        return jobs.hasJobs(pool, userId).flatMap(any -> {
            if (!any) {
                throw ProblemException.notFound("Jobs of user " + userId);
            }
            return userJobs.list(userId, before, JobsResource.parseStatus(status), includeDeleted, limit + 1)
                    .map(page -> JobsResource.JobPage.of(page, limit));
        });
    }

    /**
     * What the platform knows about a job that its owner does not see: which provider ran it and what it cost, and
     * which worker holds its lease.
     */
    public record OperatorFields(String providerName, String providerJobId, BigDecimal providerCost, String leaseOwner) {
    }

    public record JobDetail(Job job, OperatorFields operator, List<HistoryRow> history) {
    }

    /** One job of any user, with the operator's fields and its whole history, oldest first. */
    @GET
    @Path("/jobs/{id}")
    public Uni<JobDetail> job(@PathParam("id") UUID id) {
        return jobs.find(pool, id).flatMap(found -> {
            Job job = found.orElseThrow(() -> ProblemException.notFound("Job " + id));
            return jobs.historyAfter(pool, id, 0).map(history -> new JobDetail(job,
                    new OperatorFields(job.getProviderName(), job.getProviderJobId(), job.getProviderCost(),
                            job.getLeaseOwner()), history));
        });
    }
}
