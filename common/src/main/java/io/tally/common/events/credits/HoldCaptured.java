package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.util.Map;
import java.util.UUID;

/**
 * A hold was settled by a charge: {@code captured} credits were spent, the rest of the hold ({@code released})
 * went back to the available balance. A hold is settled once: captured, voided or expired.
 */
public record HoldCaptured(UUID holdId, String userId, String reference, long captured, long released,
                           long availableAfter, long heldAfter, UUID transactionId,
                           Map<String, String> metadata) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
