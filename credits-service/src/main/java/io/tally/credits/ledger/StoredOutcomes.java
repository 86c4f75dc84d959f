package io.tally.credits.ledger;

import java.util.Map;
import java.util.UUID;

/** What the ledger already decided, loaded under the batch's account locks. */
record StoredOutcomes(Map<String, StoredTransaction> transactions, Map<UUID, StoredRejection> rejections) {

    record StoredTransaction(String key, String fingerprint, Map<String, Object> result) {
    }

    record StoredRejection(UUID jobId, String userId, long amount, long needed, long available, String reason) {
    }
}
