package io.tally.credits.ledger;

import java.util.UUID;

/** The part of a gift a clawback attributed to the reversed purchase: the earnings frozen and the fee reversed. */
record GiftAttribution(UUID giftId, String clawbackKey, String recipientId, long part, long frozen, long feeReversed) {
}
