package io.tally.credits.rest;

import io.tally.common.idempotency.IdempotentRequests;
import io.tally.common.problem.ProblemException;
import io.tally.credits.ledger.OperationResult;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Turns a ledger operation's result into the HTTP answer: the same status for a replay, marked as such. */
final class LedgerResponses {

    private LedgerResponses() {
    }

    static Response of(OperationResult result, Response.Status success) {
        return switch (result.status()) {
            case APPLIED -> Response.status(success).type(MediaType.APPLICATION_JSON).entity(result.body()).build();
            case REPLAYED -> Response.status(success).type(MediaType.APPLICATION_JSON).entity(result.body())
                    .header(IdempotentRequests.REPLAYED_HEADER, "true").build();
            case REFUSED -> throw new ProblemException(result.problem());
            case DUPLICATE_EVENT, FAILED -> throw new IllegalStateException("ledger operation failed: " + result.body());
        };
    }
}
