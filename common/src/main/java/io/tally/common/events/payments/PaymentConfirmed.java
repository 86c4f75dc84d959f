package io.tally.common.events.payments;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/**
 * The provider confirmed the payment; credits grants {@code credits} under the key {@code payment:{paymentId}:grant}.
 * {@code cycle} is 1 for the first confirmation; a payment confirmed again after a reversal (a dispute won, a refund
 * reversed) carries the next cycle and is granted again under {@code payment:{paymentId}:grant:{cycle}}.
 */
public record PaymentConfirmed(UUID paymentId, String userId, long credits, long amountMinor, String currency,
                               String provider, int cycle) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
