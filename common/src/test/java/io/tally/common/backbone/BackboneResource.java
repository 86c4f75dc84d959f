package io.tally.common.backbone;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.GroupCommit;
import io.tally.common.outbox.Transactions;
import io.tally.common.events.jobs.JobRequested;
import io.tally.common.idempotency.IdempotentRequests;
import io.tally.common.idempotency.StoredResponse;
import io.tally.common.outbox.OutboxWriter;
import io.tally.common.outbox.OutgoingEvent;
import io.tally.common.problem.ProblemException;
import io.tally.common.ratelimit.RateLimiter;
import io.tally.common.security.CurrentUser;
import io.tally.common.security.Roles;
import io.tally.common.tracing.EventTracing;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

/** Endpoints of the backbone test application; each exercises one piece of common. */
@Path("/test")
public class BackboneResource {

    private final Transactions transactions;
    private final OutboxWriter outbox;
    private final IdempotentRequests idempotentRequests;
    private final RateLimiter rateLimiter;
    private final CurrentUser currentUser;

    public BackboneResource(Transactions transactions, OutboxWriter outbox, IdempotentRequests idempotentRequests,
                            RateLimiter rateLimiter, CurrentUser currentUser) {
        this.transactions = transactions;
        this.outbox = outbox;
        this.idempotentRequests = idempotentRequests;
        this.rateLimiter = rateLimiter;
        this.currentUser = currentUser;
    }

    public record NoteRequest(@NotBlank String userId, @NotNull Long amount, boolean failAfterWrite) {
    }

    /** A business row and its event in one transaction; failAfterWrite rolls both back. */
    @POST
    @Path("/notes")
    public Uni<Map<String, Object>> createNote(@Valid @NotNull NoteRequest request) {
        UUID id = UUID.randomUUID();
        return transactions.write(conn -> conn
                .preparedQuery("INSERT INTO notes (id, owner_id, amount) VALUES ($1, $2, $3)")
                .execute(Tuple.of(id, request.userId(), request.amount()))
                .chain(() -> outbox.appendTraced(conn, List.of(new OutgoingEvent(
                        new JobRequested(id, request.userId(), request.amount()), EventTracing.currentParent()))))
                .invoke(() -> {
                    if (request.failAfterWrite()) {
                        throw ProblemException.unprocessable("test-failure", "Refused on purpose", "rolled back");
                    }
                })
                .map(x -> Map.<String, Object>of("id", id)));
    }

    public record SeriesRequest(@NotBlank String userId, @NotNull @Positive Long count) {
    }

    /** Several events of one user appended together: costs 1..count, in that order, in one transaction. */
    @POST
    @Path("/notes/series")
    public Uni<Map<String, Object>> createSeries(@Valid @NotNull SeriesRequest request) {
        List<JobRequested> events = LongStream.rangeClosed(1, request.count())
                .mapToObj(cost -> new JobRequested(UUID.randomUUID(), request.userId(), cost))
                .toList();
        return transactions.write(conn -> outbox.appendAll(conn, events))
                .map(x -> Map.<String, Object>of("events", events.size()));
    }

    public record PaymentRequest(@NotNull @Positive Long amount) {
    }

    @POST
    @Path("/payments")
    @RolesAllowed(Roles.USER)
    public Uni<Response> pay(@HeaderParam(IdempotentRequests.HEADER) String key,
                             @Valid @NotNull PaymentRequest request) {
        String owner = currentUser.id();
        UUID id = UUID.randomUUID();
        return idempotentRequests.execute(owner, key, Map.of("route", "POST /test/payments", "body", request),
                conn -> conn.preparedQuery("INSERT INTO notes (id, owner_id, amount) VALUES ($1, $2, $3)")
                        .execute(Tuple.of(id, owner, request.amount()))
                        .map(x -> new StoredResponse(201, Map.of("id", id, "amount", request.amount()))));
    }

    @GET
    @Path("/secure/user")
    @RolesAllowed(Roles.USER)
    public Map<String, String> userOnly() {
        return Map.of("userId", currentUser.id());
    }

    @GET
    @Path("/secure/admin")
    @RolesAllowed(Roles.ADMIN)
    public Map<String, String> adminOnly() {
        return Map.of("userId", currentUser.id());
    }

    @GET
    @Path("/limited")
    @RolesAllowed(Roles.USER)
    public Uni<Map<String, Object>> limited() {
        return rateLimiter.enforce("test-limited:" + currentUser.id(), 2, Duration.ofSeconds(60))
                .map(decision -> Map.of("remaining", decision.remaining()));
    }

    /** A statement the database cancels (57014, as statement_timeout or an operator's pg_cancel_backend would). */
    @GET
    @Path("/cancelled-statement")
    public Uni<String> cancelledStatement() {
        return transactions.write(conn -> conn.query("SET LOCAL statement_timeout = '20ms'").execute()
                .chain(() -> conn.query("SELECT pg_sleep(1)").execute())
                .replaceWith("slept"));
    }

    /** A write refused because more are queued for the database than it can serve soon. */
    @GET
    @Path("/overloaded")
    public Uni<String> overloaded() {
        return Uni.createFrom().failure(new GroupCommit.Overloaded());
    }

    @GET
    @Path("/boom")
    public String boom() {
        throw new IllegalStateException("secret internal detail at io.tally.Hidden");
    }
}
