package io.tally.common.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Something learnt about a bearer token, remembered until a deadline, keyed by the exact token text and bounded
 * to {@code maxEntries}. Once full, further tokens are not remembered until expired entries are purged; a full
 * map is swept at most once a second, so a replica that sees more distinct tokens than it keeps does not scan
 * every entry on every request. Thread-safe.
 *
 * @param <V> what is remembered per token
 */
public final class ExpiringTokenMap<V> {

    private record Entry<V>(V value, long validUntilMillis) {
    }

    private final int maxEntries;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final AtomicInteger insertions = new AtomicInteger();
    private final AtomicLong lastFullPurgeMillis = new AtomicLong();

    public ExpiringTokenMap(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** What was remembered for {@code token}, or null when nothing is or its deadline has passed. */
    public V get(String token, long nowMillis) {
        Entry<V> entry = current(token, nowMillis);
        return entry == null ? null : entry.value();
    }

    /** Until when (epoch ms) {@code token} is remembered, or 0 when it is not. */
    public long validUntil(String token, long nowMillis) {
        Entry<V> entry = current(token, nowMillis);
        return entry == null ? 0 : entry.validUntilMillis();
    }

    private Entry<V> current(String token, long nowMillis) {
        Entry<V> entry = entries.get(token);
        if (entry == null || nowMillis < entry.validUntilMillis()) {
            return entry;
        }
        entries.remove(token, entry);
        return null;
    }

    /** Remembers {@code value} until {@code validUntilMillis} (epoch ms), unless the map is full. */
    public void put(String token, V value, long validUntilMillis, long nowMillis) {
        if (validUntilMillis <= nowMillis) {
            return;
        }
        boolean full = entries.size() >= maxEntries;
        if (insertions.incrementAndGet() % 1_000 == 0 || (full && claimFullPurge(nowMillis))) {
            entries.values().removeIf(entry -> entry.validUntilMillis() <= nowMillis);
        }
        if (entries.size() < maxEntries) {
            entries.put(token, new Entry<>(value, validUntilMillis));
        }
    }

    private boolean claimFullPurge(long now) {
        long last = lastFullPurgeMillis.get();
        return now - last >= 1_000 && lastFullPurgeMillis.compareAndSet(last, now);
    }
}
