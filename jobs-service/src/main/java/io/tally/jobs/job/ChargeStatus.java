package io.tally.jobs.job;

/**
 * Where the job's money stands with credits-service, independent of where the job itself is. A job reserves its price
 * as a hold and settles it when it ends (HELD → CAPTURE_REQUESTED → CAPTURED, or HELD → VOID_REQUESTED → VOIDED);
 * jobs charged before holds went CHARGED → REFUND_REQUESTED → REFUNDED, and those states still read and settle. An
 * operator's refund of a completed job goes CAPTURED (or CHARGED) → REFUND_REQUESTED → REFUNDED.
 */
public enum ChargeStatus {
    /** Nothing reserved or booked (waiting for the hold, rejected, or cancelled before it was placed). */
    NONE,
    /** The job's price is held: out of the user's available credits, not yet spent. */
    HELD,
    /** The job completed; credits is asked to capture its final price and release the rest. */
    CAPTURE_REQUESTED,
    CAPTURED,
    /** credits refused the capture (the hold had expired or was voided): the result was not paid for; an operator decides. */
    CAPTURE_REFUSED,
    /** The job ended without a result; credits is asked to void its hold. */
    VOID_REQUESTED,
    /** The hold went back to the user's available credits (voided, or expired). */
    VOIDED,
    /** credits refused the void (no such hold, or settled already): the saga stops asking, an operator decides. */
    VOID_REFUSED,
    /** Charged up front (before holds). */
    CHARGED,
    /** The job ended without a result and its refund was asked for, or an operator refunds a completed job. */
    REFUND_REQUESTED,
    REFUNDED,
    /** credits refused the refund (RefundRejected): the charge stands, the saga stops asking, an operator decides. */
    REFUND_REFUSED;

    public String dbValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static ChargeStatus fromDb(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * Whether the job was charged before holds existed (its money settles by refund, not by void); an operator's
     * refund of a captured hold passes through these states too (Job#getHoldId tells the two apart).
     */
    public boolean chargedUpFront() {
        return this == CHARGED || this == REFUND_REQUESTED || this == REFUNDED || this == REFUND_REFUSED;
    }

    /** Whether an answer from credits is still awaited about this job's money (the saga sweep asks again). */
    public boolean awaitsAnswer() {
        return this == CAPTURE_REQUESTED || this == VOID_REQUESTED || this == REFUND_REQUESTED;
    }
}
