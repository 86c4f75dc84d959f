package io.tally.jobs.rest;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.common.annotation.Blocking;
import io.tally.common.idempotency.IdempotentRequests;
import io.tally.common.metadata.CallerMetadata;
import io.tally.common.problem.ProblemException;
import io.tally.common.security.CurrentUser;
import io.tally.common.security.Roles;
import io.tally.jobs.job.Job;
import io.tally.common.paging.TimeIdCursor;
import io.tally.jobs.job.JobRepository.StatusStats;
import io.tally.jobs.job.JobStatus;
import io.tally.jobs.job.JobSubmissions;
import io.tally.jobs.job.UserJobs;
import io.tally.jobs.pricing.JobSpec;
import io.tally.jobs.pricing.PriceList;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A user's jobs: quote, submit, list, follow, cancel, delete and restore. */
@Path("/jobs")
@RolesAllowed(Roles.USER)
public class JobsResource {

    private final JobSubmissions submissions;
    private final UserJobs userJobs;
    private final JobSpecs specs;
    private final PriceList prices;
    private final JobEventStream stream;
    private final CurrentUser currentUser;

    public JobsResource(JobSubmissions submissions, UserJobs userJobs, JobSpecs specs, PriceList prices,
                        JobEventStream stream, CurrentUser currentUser) {
        this.submissions = submissions;
        this.userJobs = userJobs;
        this.specs = specs;
        this.prices = prices;
        this.stream = stream;
        this.currentUser = currentUser;
    }

    public record Quote(long cost, String unit, JobSpec spec) {
    }

    @GET
    @Path("/quote")
    public Quote quote(@QueryParam("type") String type, @QueryParam("imageUrl") String imageUrl,
                       @QueryParam("durationSeconds") Integer duration, @QueryParam("resolution") String resolution,
                       @QueryParam("aspectRatio") String aspectRatio, @QueryParam("quality") String quality,
                       @QueryParam("model") String model) {
        JobSpec spec = specs.quote(type, imageUrl, duration, resolution, aspectRatio, quality, model);
        return new Quote(prices.cost(spec), "credits", spec);
    }

    @POST
    public Uni<Response> submit(@HeaderParam(IdempotentRequests.HEADER) String idempotencyKey,
                                @Valid @NotNull JobRequests.CreateJob request, @Context HttpServerRequest http) {
        JobSpec spec = specs.from(request, currentUser.hasRole(Roles.SERVICE) || currentUser.hasRole(Roles.ADMIN));
        return submissions.submit(currentUser.id(), clientIp(http), idempotencyKey, spec,
                CallerMetadata.checked(request.metadata()));
    }

    public record JobPage(List<Job> jobs, String nextCursor) {

        /** A page of up to {@code limit} jobs out of {@code limit + 1} read, ordered by creation. */
        static JobPage of(List<Job> jobs, int limit) {
            return jobs.size() > limit ? new JobPage(jobs.subList(0, limit), cursorAfter(jobs.get(limit - 1)))
                    : new JobPage(jobs, null);
        }
    }

    @GET
    public Uni<JobPage> list(@QueryParam("limit") @DefaultValue("20") @Min(1) @Max(100) int limit,
                             @QueryParam("cursor") String cursor, @QueryParam("status") String status,
                             @QueryParam("deleted") @DefaultValue("false") boolean includeDeleted) {
        TimeIdCursor before = TimeIdCursor.decode(cursor);
        return userJobs.list(currentUser.id(), before, parseStatus(status), includeDeleted, limit + 1)
                .map(jobs -> JobPage.of(jobs, limit));
    }

    /** The bin: deleted jobs, the most recently deleted first; restore one with POST /jobs/{id}/restore. */
    @GET
    @Path("/deleted")
    public Uni<JobPage> deleted(@QueryParam("limit") @DefaultValue("20") @Min(1) @Max(100) int limit,
                                @QueryParam("cursor") String cursor) {
        TimeIdCursor before = TimeIdCursor.decode(cursor);
        return userJobs.deleted(currentUser.id(), before, limit + 1)
                .map(jobs -> jobs.size() > limit
                        ? new JobPage(jobs.subList(0, limit),
                                new TimeIdCursor(jobs.get(limit - 1).getDeletedAt(), jobs.get(limit - 1).getId()).encode())
                        : new JobPage(jobs, null));
    }

    /** Credits spent (captured, or charged before holds), given back (voided or refunded), and held by open jobs. */
    public record Stats(Map<JobStatus, Long> jobsByStatus, long creditsSpent, long creditsRefunded, long creditsHeld) {
    }

    @GET
    @Path("/stats")
    public Uni<Stats> stats() {
        return userJobs.stats(currentUser.id()).map(rows -> {
            Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
            Arrays.stream(JobStatus.values()).forEach(s -> counts.put(s, 0L));
            long spent = 0;
            long refunded = 0;
            long held = 0;
            for (StatusStats row : rows) {
                counts.put(row.status(), row.jobs());
                spent += row.creditsSpent();
                refunded += row.creditsRefunded();
                held += row.creditsHeld();
            }
            return new Stats(counts, spent, refunded, held);
        });
    }

    @GET
    @Path("/{id}")
    public Uni<Job> get(@PathParam("id") UUID id) {
        return userJobs.find(currentUser.id(), id);
    }

    /** Every status and progress change as Server-Sent Events; the stream ends once the job is settled. */
    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public Multi<OutboundSseEvent> events(@PathParam("id") UUID id, @Context Sse sse,
                                          @HeaderParam("Last-Event-ID") String lastEventId) {
        return stream.follow(currentUser.id(), id, parseLastEventId(lastEventId), sse);
    }

    @POST
    @Path("/{id}/cancel")
    public Uni<Job> cancel(@PathParam("id") UUID id) {
        return userJobs.cancel(currentUser.id(), id);
    }

    @DELETE
    @Path("/{id}")
    public Uni<Job> delete(@PathParam("id") UUID id) {
        return userJobs.softDelete(currentUser.id(), id);
    }

    @POST
    @Path("/{id}/restore")
    public Uni<Job> restore(@PathParam("id") UUID id) {
        return userJobs.restore(currentUser.id(), id);
    }

    private static String cursorAfter(Job last) {
        return new TimeIdCursor(last.getCreatedAt(), last.getId()).encode();
    }

    /** The client's address; behind the gateway, the forwarded one (quarkus.http.proxy settings). */
    private static String clientIp(HttpServerRequest http) {
        return http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
    }

    static JobStatus parseStatus(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            return JobStatus.valueOf(status.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("status", "must be one of " + Arrays.toString(JobStatus.values()));
        }
    }

    private static long parseLastEventId(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(lastEventId.trim()));
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("Last-Event-ID must be the id of an event this stream sent");
        }
    }
}
