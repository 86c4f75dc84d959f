package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Promotional credits were granted (a campaign, or the signup bonus as campaign {@code signup}): spent before any other
 * credit and taken back at {@code expiresAt} if still unspent. A user receives a campaign once.
 */
public record PromotionGranted(UUID promotionId, String userId, String campaign, long amount,
                               OffsetDateTime expiresAt, long promotionalAfter, long availableAfter,
                               UUID transactionId) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
