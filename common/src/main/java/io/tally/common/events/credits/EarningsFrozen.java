package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/**
 * A reversed purchase's coins had become gifts to this streamer: {@code frozen} of their earnings are held from payout.
 * {@code buyerId} sent the gifts; {@code paymentId} is the reversed purchase.
 */
public record EarningsFrozen(String userId, UUID paymentId, String buyerId, long frozen, long earningsAfter,
                             long frozenAfter, UUID transactionId) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
