package io.tally.credits.ledger;

import io.tally.common.problem.Problem;
import java.util.Map;

/**
 * What one operation of a batch came to. {@code body} is what the REST layer answers (and what a replay
 * answers again); a refusal carries its problem instead.
 */
public record OperationResult(Status status, Map<String, Object> body, Problem problem) {

    public enum Status { APPLIED, REPLAYED, REFUSED, DUPLICATE_EVENT, FAILED }

    static OperationResult applied(Map<String, Object> body) {
        return new OperationResult(Status.APPLIED, body, null);
    }

    static OperationResult replayed(Map<String, Object> body) {
        return new OperationResult(Status.REPLAYED, body, null);
    }

    static OperationResult refused(Problem problem) {
        return new OperationResult(Status.REFUSED, Map.of(), problem);
    }

    static OperationResult duplicateEvent() {
        return new OperationResult(Status.DUPLICATE_EVENT, Map.of(), null);
    }

    /** The operation could not be carried out at all (its own transaction failed); nothing was applied. */
    static OperationResult failed(Throwable cause) {
        // The SQLSTATE tells an operator reading the dead-letter reason a bad value from a bug.
        return new OperationResult(Status.FAILED, cause instanceof io.vertx.pgclient.PgException pg
                ? Map.of("error", cause.getClass().getSimpleName(), "sqlState", String.valueOf(pg.getSqlState()),
                        "message", String.valueOf(pg.getErrorMessage()))
                : Map.of("error", cause.getClass().getSimpleName()), null);
    }

    public boolean succeeded() {
        return status == Status.APPLIED || status == Status.REPLAYED;
    }
}
