package io.tally.jobs.rest;

import io.smallrye.mutiny.Uni;
import io.tally.common.paging.TimeIdCursor;
import io.tally.common.problem.ProblemException;
import io.tally.common.security.CurrentUser;
import io.tally.common.security.Roles;
import io.tally.jobs.job.Job;
import io.tally.jobs.job.JobRepository;
import io.tally.jobs.job.JobRepository.HistoryRow;
import io.tally.jobs.job.OperatorRefunds;
import io.tally.jobs.job.UserJobs;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * An operator's view of one user's jobs and of any one job with its whole history, for a support ticket ("my render
 * failed and I was charged"), and an admin's refund of a completed job. A user who never submitted a job, or a job
 * that does not exist, is 404.
 */
@Path("/jobs/admin")
@RolesAllowed({Roles.ADMIN, Roles.SUPPORT})   // support staff see what admins see; the refund is admins' only
public class AdminJobsResource {

    private final Pool pool;
    private final JobRepository jobs;
    private final UserJobs userJobs;
    private final OperatorRefunds refunds;
    private final CurrentUser currentUser;

    public AdminJobsResource(Pool pool, JobRepository jobs, UserJobs userJobs, OperatorRefunds refunds,
                             CurrentUser currentUser) {
        this.pool = pool;
        this.jobs = jobs;
        this.userJobs = userJobs;
        this.refunds = refunds;
        this.currentUser = currentUser;
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

    /** Why an operator refunds a job: recorded in the job's history and, with the operator, in the ledger. */
    public record RefundRequest(@NotBlank @Size(max = 200) String reason) {
    }

    /**
     * An operator gives a completed job's spend back (docs/jobs.md, "Operators"): 202 with the job, its charge
     * REFUND_REQUESTED; the refund itself follows through credits. Asking again for the same job changes nothing.
     */
    @POST
    @Path("/jobs/{id}/refund")
    @RolesAllowed(Roles.ADMIN)
    public Uni<Response> refund(@PathParam("id") UUID id, @Valid @NotNull RefundRequest request) {
        return refunds.refund(id, currentUser.id(), currentUser.displayName(), request.reason().strip())
                .map(job -> Response.accepted(job).build());
    }
}
