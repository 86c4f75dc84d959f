package io.tally.common.events.payments;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/**
 * A confirmed payment was refunded or charged back ({@code reason}: refunded, charged_back); credits claws
 * back {@code credits} under the key {@code payment:{paymentId}:clawback} ({@code :clawback:{cycle}} from cycle 2
 * on, see {@link PaymentConfirmed}).
 */
public record PaymentReversed(UUID paymentId, String userId, long credits, String reason, String provider,
                              int cycle) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
