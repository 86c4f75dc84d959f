package io.tally.credits.ledger;

import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The user ids whose accounts this replica has seen in the database. An account is never deleted, so a batch whose
 * users are all known locks them without first asking PostgreSQL to open them (an INSERT … ON CONFLICT DO NOTHING per
 * batch that opens nothing in steady state). Only a hint: a batch that finds one of them missing after all starts
 * over and opens them ({@link LedgerBatchExecutor}). Bounded: when full it starts afresh, which costs each user one
 * more opening statement.
 */
@Singleton
class KnownAccounts {

    static final int CAPACITY = 100_000;

    private final Set<String> userIds = ConcurrentHashMap.newKeySet();

    boolean containsAll(Collection<String> candidates) {
        return userIds.containsAll(candidates);
    }

    void addAll(Collection<String> existing) {
        if (userIds.size() + existing.size() > CAPACITY) {
            userIds.clear();
        }
        userIds.addAll(existing);
    }
}
