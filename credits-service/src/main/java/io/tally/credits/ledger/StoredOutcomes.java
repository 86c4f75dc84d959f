package io.tally.credits.ledger;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the ledger already decided, loaded under the batch's account locks; for each clawback in the batch (by key), the
 * gifts its buyer sent since the grant, oldest first.
 */
record StoredOutcomes(Map<String, StoredTransaction> transactions, Map<UUID, StoredRejection> rejections,
                      Map<String, List<SpentGift>> giftsSinceGrant) {

    StoredOutcomes(Map<String, StoredTransaction> transactions, Map<UUID, StoredRejection> rejections) {
        this(transactions, rejections, Map.of());
    }

    record StoredTransaction(String key, String fingerprint, Map<String, Object> result) {
    }

    record StoredRejection(UUID jobId, String userId, long amount, long needed, long available, String reason) {
    }
}
