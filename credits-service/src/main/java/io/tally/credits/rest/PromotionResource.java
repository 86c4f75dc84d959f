package io.tally.credits.rest;

import io.smallrye.mutiny.Uni;
import io.tally.common.problem.ProblemException;
import io.tally.common.security.Roles;
import io.tally.credits.ledger.LedgerBatcher;
import io.tally.credits.ledger.LedgerOperation;
import io.tally.credits.rest.Requests.PromotionRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Grants promotional credits of a campaign, for an admin or a backend (a referral reward, a launch offer). The campaign
 * and the user are the idempotency key (promotion:{campaign}:{user}): a user receives a campaign once, a retry replays
 * the grant, and the same campaign with another amount is a 409.
 */
@Path("/credits/promotions")
@RolesAllowed({Roles.ADMIN, Roles.SERVICE})
public class PromotionResource {

    private final LedgerBatcher batcher;

    public PromotionResource(LedgerBatcher batcher) {
        this.batcher = batcher;
    }

    @POST
    public Uni<Response> grant(@Valid @NotNull PromotionRequest request) {
        return batcher.submit(new LedgerOperation.Promotion(request.userId(), request.campaign(), request.amount(),
                        expiryOf(request)))
                .map(result -> LedgerResponses.of(result, Response.Status.CREATED));
    }

    private static OffsetDateTime expiryOf(PromotionRequest request) {
        if ((request.expiresAt() == null) == (request.expiresInDays() == null)) {
            throw ProblemException.badRequest("give exactly one of expiresAt and expiresInDays");
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        if (request.expiresInDays() != null) {
            return now.plusDays(request.expiresInDays());
        }
        if (request.expiresAt().isAfter(now.plusDays(Requests.MAX_PROMOTION_DAYS))) {
            throw ProblemException.badRequest("expiresAt must be within " + Requests.MAX_PROMOTION_DAYS + " days");
        }
        return request.expiresAt();
    }
}
