package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.util.Map;
import java.util.UUID;

/**
 * A charge was booked: {@code amount} left the user's spendable balance. {@code metadata} is the caller's own labels
 * (null when none), returned as given.
 */
public record CreditsCharged(UUID jobId, String userId, long amount, long balanceAfter, UUID transactionId,
                             Map<String, String> metadata) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
