package io.tally.credits.ledger;

/**
 * An operation handed to a batch. {@code inboxEventId} is set when it comes from a Kafka event (recorded in
 * the inbox with the effect); {@code announceReplay} re-emits the outcome event when the operation turns out
 * to be a replay, so a saga that asks again (after its timeout) always gets an answer.
 */
public record Submitted(LedgerOperation operation, String inboxEventId, String eventType, boolean announceReplay) {

    public static Submitted fromApi(LedgerOperation operation) {
        return new Submitted(operation, null, null, false);
    }

    public static Submitted fromEvent(LedgerOperation operation, String eventId, String eventType) {
        return new Submitted(operation, eventId, eventType, true);
    }
}
