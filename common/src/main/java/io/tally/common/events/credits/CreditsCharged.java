package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/** A job's charge was booked: {@code amount} left the user's spendable balance. */
public record CreditsCharged(UUID jobId, String userId, long amount, long balanceAfter, UUID transactionId)
        implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
