package io.tally.credits.ledger;

import io.tally.common.tracing.EventTracing;

/**
 * An operation handed to a batch. {@code inboxEventId} is set when it comes from a Kafka event (recorded in
 * the inbox with the effect); {@code announceReplay} re-emits the outcome event when the operation turns out
 * to be a replay, so a saga that asks again (after its timeout) always gets an answer. {@code traceParent} is the
 * trace its outcome event continues (the API request or the consumed event's processing; null when untraced):
 * taken here, because a batch runs on one caller's context.
 */
public record Submitted(LedgerOperation operation, String inboxEventId, String eventType, boolean announceReplay,
                        String traceParent) {

    /** Call on the request's own context (before it joins a batch). */
    public static Submitted fromApi(LedgerOperation operation) {
        return new Submitted(operation, null, null, false, EventTracing.currentParent());
    }

    public static Submitted fromEvent(LedgerOperation operation, String eventId, String eventType, String traceParent) {
        return new Submitted(operation, eventId, eventType, true, traceParent);
    }
}
