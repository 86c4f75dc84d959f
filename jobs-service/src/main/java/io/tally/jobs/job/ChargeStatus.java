package io.tally.jobs.job;

/** Where the job's money stands with credits-service, independent of where the job itself is. */
public enum ChargeStatus {
    /** No charge booked (waiting for it, rejected, or cancelled before it was booked). */
    NONE,
    CHARGED,
    /** The job ended without a result and its refund was asked for. */
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
}
