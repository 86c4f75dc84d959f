package io.tally.credits.rest;

import io.smallrye.mutiny.Uni;
import io.tally.common.security.Roles;
import io.tally.credits.ledger.LedgerBatcher;
import io.tally.credits.ledger.LedgerOperation;
import io.tally.credits.rest.Requests.ChargeRequest;
import io.tally.credits.rest.Requests.RefundRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * The synchronous path for backends that do not use Kafka: the same operations and business keys as the
 * JobRequested / JobRefundRequested events, so a job charged over both paths is charged once. The job id is
 * the idempotency key (job:{id}:charge, job:{id}:refund): repeating a call replays its answer, and reusing a
 * job id with another user or amount is a 409.
 */
@Path("/credits")
@RolesAllowed(Roles.SERVICE)
public class ServiceResource {

    private final LedgerBatcher batcher;

    public ServiceResource(LedgerBatcher batcher) {
        this.batcher = batcher;
    }

    @POST
    @Path("/charges")
    public Uni<Response> charge(@Valid @NotNull ChargeRequest request) {
        return batcher.submit(new LedgerOperation.Charge(request.jobId(), request.userId(), request.amount()))
                .map(result -> LedgerResponses.of(result, Response.Status.CREATED));
    }

    @POST
    @Path("/refunds")
    public Uni<Response> refund(@Valid @NotNull RefundRequest request) {
        return batcher.submit(new LedgerOperation.Refund(request.jobId(), request.userId(), request.amount(),
                        request.reason()))
                .map(result -> LedgerResponses.of(result, Response.Status.CREATED));
    }
}
