package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * Credits were reserved: {@code amount} moved from the user's available balance to held, until the hold is
 * captured, voided or expires at {@code expiresAt}. {@code reference} and {@code metadata} are the caller's (a job's
 * hold: {@code job:{jobId}} and the job's metadata); every settlement event carries them again.
 */
public record CreditsHeld(UUID holdId, String userId, long amount, String reference, OffsetDateTime expiresAt,
                          long availableAfter, long heldAfter, UUID transactionId,
                          Map<String, String> metadata) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
