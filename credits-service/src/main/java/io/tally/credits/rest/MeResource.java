package io.tally.credits.rest;

import io.smallrye.mutiny.Uni;
import io.tally.common.idempotency.IdempotentRequests;
import io.tally.common.problem.Problem;
import io.tally.common.problem.ProblemException;
import io.tally.common.security.CurrentUser;
import io.tally.common.security.Roles;
import io.tally.credits.ledger.AccountQueries;
import io.tally.credits.ledger.AccountQueries.Account;
import io.tally.credits.ledger.AccountQueries.GiftLine;
import io.tally.credits.ledger.AccountQueries.LedgerLine;
import io.tally.credits.ledger.AccountQueries.StatementLine;
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
import java.util.Set;

/** What a signed-in user sees and does: balance, ledger, gift catalogue, gifts. */
@Path("/credits")
public class MeResource {

    static final Set<String> KINDS = Set.of("signup_bonus", "purchase", "charge", "refund", "gift", "clawback",
            "debt_repayment", "adjustment", "debt_forgiveness", "hold", "hold_capture", "hold_void", "hold_expiry");

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

    public record LedgerPage(List<LedgerLine> entries, String nextCursor) {
    }

    @GET
    @Path("/me/ledger")
    @RolesAllowed(Roles.USER)
    public Uni<LedgerPage> ledger(@QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit,
                                  @QueryParam("cursor") String cursor,
                                  @QueryParam("kind") String kind) {
        if (kind != null && !KINDS.contains(kind)) {
            throw ProblemException.badRequest("kind must be one of " + KINDS.stream().sorted().toList());
        }
        long before = parseCursor(cursor);
        String userId = currentUser.id();
        return accounts.openedAccount(userId)
                .flatMap(account -> queries.ledger(userId, kind, before, limit + 1))
                .map(lines -> lines.size() > limit
                        ? new LedgerPage(lines.subList(0, limit), Long.toString(lines.get(limit - 1).entryId()))
                        : new LedgerPage(lines, null));
    }

    public record StatementPage(List<StatementLine> lines, String nextCursor) {
    }

    /**
     * The caller's statement, newest first: one line per movement of what they own, earn or owe. A job is one line
     * (its capture), not a hold and a release; the entries behind every line are in {@code /credits/me/ledger}.
     */
    @GET
    @Path("/me/statement")
    @RolesAllowed(Roles.USER)
    public Uni<StatementPage> statement(@QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit,
                                        @QueryParam("cursor") String cursor) {
        long before = parseCursor(cursor);
        String userId = currentUser.id();
        return accounts.openedAccount(userId)
                .flatMap(account -> queries.statement(userId, before, limit + 1))
                .map(lines -> lines.size() > limit
                        ? new StatementPage(lines.subList(0, limit), Long.toString(lines.get(limit - 1).cursorId()))
                        : new StatementPage(lines, null));
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

    public record GiftPage(List<GiftLine> gifts, String nextCursor) {
    }

    /** Gifts the caller sent ({@code direction=sent}, the default) or received, newest first. */
    @GET
    @Path("/me/gifts")
    @RolesAllowed(Roles.USER)
    public Uni<GiftPage> gifts(@QueryParam("direction") @DefaultValue("sent") String direction,
                               @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(200) int limit,
                               @QueryParam("cursor") String cursor) {
        GiftLine.Direction side = switch (direction) {
            case "sent" -> GiftLine.Direction.SENT;
            case "received" -> GiftLine.Direction.RECEIVED;
            default -> throw ProblemException.badRequest("direction must be sent or received");
        };
        long before = parseCursor(cursor);
        return queries.gifts(currentUser.id(), side, before, limit + 1)
                .map(lines -> lines.size() > limit
                        ? new GiftPage(lines.subList(0, limit), Long.toString(lines.get(limit - 1).entryId()))
                        : new GiftPage(lines, null));
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

    private static long parseCursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return Long.MAX_VALUE;
        }
        try {
            long value = Long.parseLong(cursor);
            if (value <= 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("cursor must be the nextCursor of a previous page");
        }
    }
}
