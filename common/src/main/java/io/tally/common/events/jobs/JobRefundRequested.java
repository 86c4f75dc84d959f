package io.tally.common.events.jobs;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/** A job charged before holds ended failed or cancelled; credits refunds it under the key {@code job:{jobId}:refund}. */
public record JobRefundRequested(UUID jobId, String userId, String reason) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
