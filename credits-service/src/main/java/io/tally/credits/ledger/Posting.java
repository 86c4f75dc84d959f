package io.tally.credits.ledger;

import io.tally.common.db.TimeOrderedUuid;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A ledger transaction about to be written: its header and entries, which sum to zero. */
final class Posting {

    final UUID id = TimeOrderedUuid.next();
    final String kind;
    final String key;
    final String reference;
    final String userId;
    final String fingerprint;
    final Map<String, Object> metadata;
    Map<String, Object> result;
    final List<Entry> entries = new ArrayList<>();

    Posting(String kind, String key, String reference, String userId, String fingerprint,
            Map<String, Object> metadata, Map<String, Object> result) {
        this.kind = kind;
        this.key = key;
        this.reference = reference;
        this.userId = userId;
        this.fingerprint = fingerprint;
        this.metadata = metadata;
        this.result = result;
    }

    Posting withResult(Map<String, Object> result) {
        this.result = result;
        return this;
    }

    /** An entry on a user's book; zero amounts are left out (an entry always moves something). */
    Posting user(String userId, String book, long amount, long balanceAfter) {
        if (amount != 0) {
            entries.add(new Entry(userId, null, book, amount, balanceAfter));
        }
        return this;
    }

    Posting system(String account, long amount) {
        if (amount != 0) {
            entries.add(new Entry(null, account, "system", amount, null));
        }
        return this;
    }

    long sum() {
        return entries.stream().mapToLong(Entry::amount).sum();
    }

    record Entry(String userId, String systemAccount, String book, long amount, Long balanceAfter) {
    }
}
