package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.util.Map;
import java.util.UUID;

/** A hold outlived its expiry without being captured or voided, and was released whole by the ledger. */
public record HoldExpired(UUID holdId, String userId, String reference, long released, long availableAfter,
                          long heldAfter, UUID transactionId,
                          Map<String, String> metadata) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
