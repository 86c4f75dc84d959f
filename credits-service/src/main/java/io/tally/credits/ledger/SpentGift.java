package io.tally.credits.ledger;

import io.vertx.mutiny.sqlclient.Row;
import java.util.UUID;

/**
 * A gift a buyer sent after a purchase was granted: what the purchase's coins may have become. {@code net} is what the
 * recipient earned of {@code cost}; {@code attributed} the part of the cost earlier clawbacks already claimed.
 */
record SpentGift(UUID giftId, String recipientId, long cost, long net, long attributed) {

    static SpentGift from(Row row) {
        return new SpentGift(row.getUUID("gift_id"), row.getString("recipient_id"), row.getLong("cost"),
                row.getLong("net"), row.getLong("attributed"));
    }
}
