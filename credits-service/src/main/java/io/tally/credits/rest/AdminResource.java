package io.tally.credits.rest;

import io.smallrye.mutiny.Uni;
import io.tally.common.idempotency.IdempotentRequests;
import io.tally.common.problem.ProblemException;
import io.tally.common.security.CurrentUser;
import io.tally.common.security.Roles;
import io.tally.credits.ledger.AccountQueries;
import io.tally.credits.ledger.AccountQueries.Account;
import io.tally.credits.ledger.LedgerBatcher;
import io.tally.credits.ledger.LedgerOperation;
import io.tally.credits.reconciliation.ReconciliationReport;
import io.tally.credits.reconciliation.ReconciliationRepository;
import io.tally.credits.reconciliation.ReconciliationRepository.AccountRepair;
import io.tally.credits.rest.Requests.AdjustmentRequest;
import io.tally.credits.rest.Requests.DebtForgivenessRequest;
import io.tally.credits.rest.Requests.RepairRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/**
 * Operator tools: signed adjustments and debt forgiveness with a reason, any account, the self-check, drift repair.
 * Support staff read what admins read; only admins act.
 */
@Path("/credits")
@RolesAllowed(Roles.ADMIN)
public class AdminResource {

    private final LedgerBatcher batcher;
    private final AccountQueries queries;
    private final ReconciliationRepository reconciliation;
    private final CurrentUser currentUser;

    public AdminResource(LedgerBatcher batcher, AccountQueries queries, ReconciliationRepository reconciliation,
                         CurrentUser currentUser) {
        this.batcher = batcher;
        this.queries = queries;
        this.reconciliation = reconciliation;
        this.currentUser = currentUser;
    }

    @POST
    @Path("/adjustments")
    public Uni<Response> adjust(@HeaderParam(IdempotentRequests.HEADER) String idempotencyKey,
                                @Valid @NotNull AdjustmentRequest request) {
        if (request.amount() == 0) {
            throw ProblemException.badRequest("amount must not be zero");
        }
        String key = IdempotentRequests.requireValidKey(idempotencyKey, Requests.MAX_IDEMPOTENCY_KEY_LENGTH);
        return batcher.submit(new LedgerOperation.Adjustment(request.userId(), request.amount(), request.reason(),
                        currentUser.id(), key))
                .map(result -> LedgerResponses.of(result, Response.Status.CREATED));
    }

    /**
     * Writes off debt that is not owed (a clawback in error, a goodwill gesture), as a ledger transaction with the
     * reason and the admin. Only an account that exists: forgiving debt never opens one.
     */
    @POST
    @Path("/admin/accounts/{userId}/forgive-debt")
    public Uni<Response> forgiveDebt(@PathParam("userId") @Size(min = 1, max = CurrentUser.MAX_USER_ID_LENGTH) String userId,
                                     @HeaderParam(IdempotentRequests.HEADER) String idempotencyKey,
                                     @Valid @NotNull DebtForgivenessRequest request) {
        String key = IdempotentRequests.requireValidKey(idempotencyKey, Requests.MAX_IDEMPOTENCY_KEY_LENGTH);
        String adminId = currentUser.id();
        return queries.findAccount(userId)
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("Account " + userId)))
                .chain(account -> batcher.submit(new LedgerOperation.DebtForgiveness(userId, request.amount(),
                        request.reason(), adminId, key)))
                .map(result -> LedgerResponses.of(result, Response.Status.CREATED));
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPPORT})
    @Path("/admin/accounts/{userId}")
    public Uni<Account> account(@PathParam("userId") @Size(min = 1, max = CurrentUser.MAX_USER_ID_LENGTH) String userId) {
        return existing(userId);
    }

    /** An operator's view of a user's holds (the same page the user gets); 404 for an account never opened. */
    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPPORT})
    @Path("/admin/accounts/{userId}/holds")
    public Uni<HoldPages.HoldPage> holds(
            @PathParam("userId") @Size(min = 1, max = CurrentUser.MAX_USER_ID_LENGTH) String userId,
            @QueryParam("status") String status,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit,
            @QueryParam("cursor") String cursor) {
        return existing(userId).flatMap(account -> HoldPages.page(queries, userId, status, cursor, limit));
    }

    /** An operator's view of a user's ledger entries (the page the user gets); 404 for an account never opened. */
    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPPORT})
    @Path("/admin/accounts/{userId}/ledger")
    public Uni<LedgerPages.LedgerPage> ledger(
            @PathParam("userId") @Size(min = 1, max = CurrentUser.MAX_USER_ID_LENGTH) String userId,
            @QueryParam("kind") String kind,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit,
            @QueryParam("cursor") String cursor) {
        return existing(userId).flatMap(account -> LedgerPages.ledger(queries, userId, kind, cursor, limit));
    }

    /** An operator's view of a user's statement; 404 for an account never opened. */
    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPPORT})
    @Path("/admin/accounts/{userId}/statement")
    public Uni<LedgerPages.StatementPage> statement(
            @PathParam("userId") @Size(min = 1, max = CurrentUser.MAX_USER_ID_LENGTH) String userId,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit,
            @QueryParam("cursor") String cursor) {
        return existing(userId).flatMap(account -> LedgerPages.statement(queries, userId, cursor, limit));
    }

    /** An operator's view of the gifts a user sent or received; 404 for an account never opened. */
    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPPORT})
    @Path("/admin/accounts/{userId}/gifts")
    public Uni<LedgerPages.GiftPage> gifts(
            @PathParam("userId") @Size(min = 1, max = CurrentUser.MAX_USER_ID_LENGTH) String userId,
            @QueryParam("direction") @DefaultValue("sent") String direction,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit,
            @QueryParam("cursor") String cursor) {
        return existing(userId).flatMap(account -> LedgerPages.gifts(queries, userId, direction, cursor, limit));
    }

    /** The account, or 404: an operator's reads never open one. */
    private Uni<Account> existing(String userId) {
        return queries.findAccount(userId)
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("Account " + userId)));
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.SUPPORT})
    @Path("/admin/reconciliation")
    public Uni<ReconciliationReport> reconcile() {
        return reconciliation.check(null);
    }

    /**
     * Sets an account's cached balance, earnings and debt back to what its entries say, recorded with the reason and
     * the admin. This is how drift is repaired: an adjustment cannot, as it moves the entries and the cache alike.
     */
    @POST
    @Path("/admin/accounts/{userId}/repair")
    public Uni<AccountRepair> repair(@PathParam("userId") @Size(min = 1, max = CurrentUser.MAX_USER_ID_LENGTH) String userId,
                                     @Valid @NotNull RepairRequest request) {
        return reconciliation.repair(userId, request.reason(), currentUser.id())
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("Account " + userId)));
    }
}
