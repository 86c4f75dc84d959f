package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/** A job's charge was refused; nothing moved. {@code reason} is a stable code (insufficient_credits, account_in_debt). */
public record ChargeRejected(UUID jobId, String userId, long needed, long available, String reason)
        implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
