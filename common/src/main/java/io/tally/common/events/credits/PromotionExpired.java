package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/** What was left of a promotion at its expiry went back to the platform; {@code expired} credits left the account. */
public record PromotionExpired(UUID promotionId, String userId, String campaign, long expired,
                               long promotionalAfter, long availableAfter, UUID transactionId) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
