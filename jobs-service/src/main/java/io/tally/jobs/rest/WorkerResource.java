package io.tally.jobs.rest;

import io.smallrye.mutiny.Uni;
import io.tally.common.security.CurrentUser;
import io.tally.common.security.Roles;
import io.tally.jobs.job.Job;
import io.tally.jobs.queue.ClaimedJob;
import io.tally.jobs.queue.WorkQueue;
import io.tally.jobs.queue.WorkQueue.HeartbeatAnswer;
import io.tally.jobs.queue.WorkQueue.ReportsAnswer;
import io.tally.jobs.queue.WorkerRequests;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.List;
import java.util.UUID;

/**
 * The worker protocol (docs/jobs.md): claim a batch with leases, heartbeat progress (and learn about
 * cancellation), then complete or fail, one job at a time or many in one reports call that can also claim the next
 * batch. The worker's id is the subject of its token.
 */
@Path("/worker/jobs")
@RolesAllowed(Roles.WORKER)
public class WorkerResource {

    private final WorkQueue queue;
    private final CurrentUser currentUser;

    public WorkerResource(WorkQueue queue, CurrentUser currentUser) {
        this.queue = queue;
        this.currentUser = currentUser;
    }

    public record Claimed(List<ClaimedJob> jobs) {
    }

    @POST
    @Path("/claim")
    public Uni<Claimed> claim(@Valid @NotNull WorkerRequests.Claim request) {
        return queue.claim(currentUser.id(), request).map(Claimed::new);
    }

    /** Many completions and failures at once, and optionally the next claim: a worker's whole round trip. */
    @POST
    @Path("/reports")
    public Uni<ReportsAnswer> reports(@Valid @NotNull WorkerRequests.Reports request) {
        return queue.report(currentUser.id(), request);
    }

    @POST
    @Path("/{id}/heartbeat")
    public Uni<HeartbeatAnswer> heartbeat(@PathParam("id") UUID id, @Valid @NotNull WorkerRequests.Heartbeat request) {
        return queue.heartbeat(id, request);
    }

    @POST
    @Path("/{id}/complete")
    public Uni<Job> complete(@PathParam("id") UUID id, @Valid @NotNull WorkerRequests.Complete request) {
        return queue.complete(id, request);
    }

    @POST
    @Path("/{id}/fail")
    public Uni<Job> fail(@PathParam("id") UUID id, @Valid @NotNull WorkerRequests.Fail request) {
        return queue.fail(id, request);
    }
}
