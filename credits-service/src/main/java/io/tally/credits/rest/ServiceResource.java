package io.tally.credits.rest;

import io.smallrye.mutiny.Uni;
import io.tally.common.security.Roles;
import io.tally.credits.ledger.LedgerBatcher;
import io.tally.credits.ledger.LedgerOperation;
import io.tally.credits.rest.Requests.CaptureRequest;
import io.tally.common.metadata.CallerMetadata;
import io.tally.credits.rest.Requests.ChargeRequest;
import io.tally.credits.rest.Requests.HoldRequest;
import io.tally.credits.rest.Requests.RefundRequest;
import io.tally.credits.rest.Requests.VoidRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The synchronous path for backends that do not use Kafka: the same operations and business keys as the
 * JobRequested / JobRefundRequested events, so a job charged over both paths is charged once. The job id is
 * the idempotency key (job:{id}:charge, job:{id}:refund): repeating a call replays its answer, and reusing a
 * job id with another user or amount is a 409. Holds work the same way with the caller's hold id: a hold is
 * settled once (captured, voided or expired), and settling it another way afterwards is a 409.
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
        return batcher.submit(new LedgerOperation.Charge(request.jobId(), request.userId(), request.amount(),
                        CallerMetadata.checked(request.metadata())))
                .map(result -> LedgerResponses.of(result, Response.Status.CREATED));
    }

    @POST
    @Path("/holds")
    public Uni<Response> hold(@Valid @NotNull HoldRequest request) {
        OffsetDateTime expiresAt = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(request.expiresInSecondsOrDefault());
        return batcher.submit(new LedgerOperation.Hold(request.holdId(), request.userId(), request.amount(),
                        request.reference(), expiresAt, CallerMetadata.checked(request.metadata())))
                .map(result -> LedgerResponses.of(result, Response.Status.CREATED));
    }

    @POST
    @Path("/holds/{holdId}/capture")
    public Uni<Response> capture(@PathParam("holdId") UUID holdId, @Valid @NotNull CaptureRequest request) {
        return batcher.submit(new LedgerOperation.CaptureHold(holdId, request.userId(), request.amount()))
                .map(result -> LedgerResponses.of(result, Response.Status.OK));
    }

    @POST
    @Path("/holds/{holdId}/void")
    public Uni<Response> voidHold(@PathParam("holdId") UUID holdId, @Valid @NotNull VoidRequest request) {
        return batcher.submit(new LedgerOperation.VoidHold(holdId, request.userId(), request.reason()))
                .map(result -> LedgerResponses.of(result, Response.Status.OK));
    }

    @POST
    @Path("/refunds")
    public Uni<Response> refund(@Valid @NotNull RefundRequest request) {
        return batcher.submit(new LedgerOperation.Refund(request.jobId(), request.userId(), request.amount(),
                        request.reason()))
                .map(result -> LedgerResponses.of(result, Response.Status.CREATED));
    }
}
