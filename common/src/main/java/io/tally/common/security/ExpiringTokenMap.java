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
 * <p>An expired entry stays (unanswered) until a purge, so a token learnt again is renewed in place: the map keeps
 * the key it holds and, through {@link #lastKnown}, the caller may keep the value too. Entries live for minutes,
 * long enough to be promoted to the old generation; replacing them wholesale on every renewal (thousands of
 * ~700-character tokens a minute) was a steady source of the full collections that make a heartbeat's tail.
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

    /**
     * What was last remembered for {@code token}, even past its deadline (until a purge drops it), or null. Only for
     * a caller that has just learnt the same thing again and would rather keep the object it already has.
     */
    public V lastKnown(String token) {
        Entry<V> entry = entries.get(token);
        return entry == null ? null : entry.value();
    }

    private Entry<V> current(String token, long nowMillis) {
        Entry<V> entry = entries.get(token);
        return entry == null || nowMillis >= entry.validUntilMillis() ? null : entry;
    }

    /** Remembers {@code value} until {@code validUntilMillis} (epoch ms): renews a token held, adds one unless full. */
    public void put(String token, V value, long validUntilMillis, long nowMillis) {
        if (validUntilMillis <= nowMillis) {
            return;
        }
        Entry<V> entry = new Entry<>(value, validUntilMillis);
        if (entries.replace(token, entry) != null) {
            return;
        }
        boolean full = entries.size() >= maxEntries;
        if (insertions.incrementAndGet() % 1_000 == 0 || (full && claimFullPurge(nowMillis))) {
            entries.values().removeIf(held -> held.validUntilMillis() <= nowMillis);
        }
        if (entries.size() < maxEntries) {
            entries.putIfAbsent(token, entry);
        }
    }

    private boolean claimFullPurge(long now) {
        long last = lastFullPurgeMillis.get();
        return now - last >= 1_000 && lastFullPurgeMillis.compareAndSet(last, now);
    }
}
