package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.util.Map;
import java.util.UUID;

/** A hold was released whole, nothing spent: the work it reserved for failed or was cancelled. */
public record HoldVoided(UUID holdId, String userId, String reference, long released, String reason,
                         long availableAfter, long heldAfter, UUID transactionId,
                         Map<String, String> metadata) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
