package io.tally.common.events.jobs;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/**
 * credits is asked to give a job's spend back under the key {@code job:{jobId}:refund}: the charge of a job charged
 * before holds that ended failed or cancelled, or the captured price of a completed job an operator refunds.
 * {@code adminId} names that operator (the ledger records it); null when the saga asks on its own.
 */
public record JobRefundRequested(UUID jobId, String userId, String reason, String adminId) implements TallyEvent {

    /** The saga's own request, no operator involved. */
    public JobRefundRequested(UUID jobId, String userId, String reason) {
        this(jobId, userId, reason, null);
    }

    @Override
    public String key() {
        return userId;
    }
}
