package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/** A job's charge was returned to the user's spendable balance (at most once per job). */
public record CreditsRefunded(UUID jobId, String userId, long amount, long balanceAfter, UUID transactionId)
        implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
