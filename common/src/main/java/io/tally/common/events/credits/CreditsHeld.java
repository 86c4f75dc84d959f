package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Credits were reserved: {@code amount} moved from the user's available balance to held, until the hold is
 * captured, voided or expires at {@code expiresAt}. {@code reference} is the caller's (a job id for a job's hold).
 */
public record CreditsHeld(UUID holdId, String userId, long amount, String reference, OffsetDateTime expiresAt,
                          long availableAfter, long heldAfter, UUID transactionId) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
