package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/** A gift moved {@code cost} from the sender: {@code recipientAmount} to the recipient's earnings, {@code fee} to the platform. */
public record GiftSent(UUID giftId, String senderId, String recipientId, String giftType, long cost, long fee,
                       long recipientAmount, String boxId) implements TallyEvent {

    @Override
    public String key() {
        return senderId;
    }
}
