package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/**
 * A job's refund was refused; nothing moved, and asking again gets the same answer. {@code reason} is a stable code
 * (no_charge, wrong_user, exceeds_charge, conflict); {@code detail} says it in words for the job's history.
 */
public record RefundRejected(UUID jobId, String userId, String reason, String detail) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
