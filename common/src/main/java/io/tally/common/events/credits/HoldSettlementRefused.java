package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/**
 * A capture or void asked for by an event was refused and will be refused again: {@code reason} is
 * {@code hold_not_found}, {@code hold_settled} (already captured, voided or expired), {@code wrong_user} or
 * {@code capture_exceeds_hold}. The asker stops asking; nothing moved.
 */
public record HoldSettlementRefused(UUID holdId, String userId, String settlement, String reason, String detail)
        implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
