package io.tally.common.events.payments;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/** The provider confirmed the payment; credits grants {@code credits} under the key {@code payment:{paymentId}:grant}. */
public record PaymentConfirmed(UUID paymentId, String userId, long credits, long amountMinor, String currency,
                               String provider) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
