package io.tally.credits.rest;

import io.smallrye.mutiny.Uni;
import io.tally.common.idempotency.IdempotentRequests;
import io.tally.common.problem.Problem;
import io.tally.common.problem.ProblemException;
import io.tally.common.security.CurrentUser;
import io.tally.common.security.Roles;
import io.tally.credits.ledger.AccountQueries;
import io.tally.credits.ledger.AccountQueries.Account;
import io.tally.credits.ledger.Accounts;
import io.tally.credits.ledger.GiftType;
import io.tally.credits.ledger.LedgerBatcher;
import io.tally.credits.ledger.LedgerOperation;
import io.tally.credits.rest.Requests.GiftRequest;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** What a signed-in user sees and does: balance, ledger, gift catalogue, gifts. */
@Path("/credits")
public class MeResource {

    private final Accounts accounts;
    private final AccountQueries queries;
    private final LedgerBatcher batcher;
    private final CurrentUser currentUser;

    public MeResource(Accounts accounts, AccountQueries queries, LedgerBatcher batcher, CurrentUser currentUser) {
        this.accounts = accounts;
        this.queries = queries;
        this.batcher = batcher;
        this.currentUser = currentUser;
    }

    @GET
    @Path("/me")
    @RolesAllowed(Roles.USER)
    public Uni<Account> me() {
        return accounts.openedAccount(currentUser.id());
    }

    @GET
    @Path("/me/ledger")
    @RolesAllowed(Roles.USER)
    public Uni<LedgerPages.LedgerPage> ledger(@QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit,
                                              @QueryParam("cursor") String cursor,
                                              @QueryParam("kind") String kind) {
        String userId = currentUser.id();
        return accounts.openedAccount(userId).flatMap(account -> LedgerPages.ledger(queries, userId, kind, cursor, limit));
    }

    /**
     * The caller's statement, newest first: one line per movement of what they own, earn or owe. A job is one line
     * (its capture), not a hold and a release; the entries behind every line are in {@code /credits/me/ledger}.
     */
    @GET
    @Path("/me/statement")
    @RolesAllowed(Roles.USER)
    public Uni<LedgerPages.StatementPage> statement(
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit, @QueryParam("cursor") String cursor) {
        String userId = currentUser.id();
        return accounts.openedAccount(userId).flatMap(account -> LedgerPages.statement(queries, userId, cursor, limit));
    }

    /** The caller's holds, newest first; {@code status} one of held, captured, voided, expired. */
    @GET
    @Path("/me/holds")
    @RolesAllowed(Roles.USER)
    public Uni<HoldPages.HoldPage> holds(@QueryParam("status") String status,
                                         @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit,
                                         @QueryParam("cursor") String cursor) {
        return HoldPages.page(queries, currentUser.id(), status, cursor, limit);
    }

    /** Gifts the caller sent ({@code direction=sent}, the default) or received, newest first. */
    @GET
    @Path("/me/gifts")
    @RolesAllowed(Roles.USER)
    public Uni<LedgerPages.GiftPage> gifts(@QueryParam("direction") @DefaultValue("sent") String direction,
                                           @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit,
                                           @QueryParam("cursor") String cursor) {
        return LedgerPages.gifts(queries, currentUser.id(), direction, cursor, limit);
    }

    @GET
    @Path("/gift-types")
    @Authenticated
    public Uni<List<GiftType>> giftTypes() {
        return queries.giftTypes();
    }

    @POST
    @Path("/gifts")
    @RolesAllowed(Roles.USER)
    public Uni<Response> gift(@HeaderParam(IdempotentRequests.HEADER) String idempotencyKey,
                              @Valid @NotNull GiftRequest request) {
        String sender = currentUser.id();
        String key = IdempotentRequests.requireValidKey(idempotencyKey, Requests.MAX_IDEMPOTENCY_KEY_LENGTH);
        return queries.giftType(request.giftType())
                .map(type -> type.orElseThrow(() -> new ProblemException(Problem.of(422, "unknown-gift-type",
                        "Unknown gift type", "No active gift type '" + request.giftType() + "'; see GET /credits/gift-types"))))
                .flatMap(type -> batcher.submit(new LedgerOperation.Gift(sender, request.recipientId(), type,
                        request.quantityOrOne(), request.boxId(), key)))
                .map(result -> LedgerResponses.of(result, Response.Status.CREATED));
    }
}
