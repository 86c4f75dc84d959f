package io.tally.payments.webhook;

import io.tally.payments.config.PaymentsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * How many refused webhook deliveries each sender address may still have logged this minute, per replica and in
 * memory, so that a flood of forged or oversized deliveries is stopped before it costs a signature check or a
 * database write. Fixed windows (tally.payments.webhooks.refusal-window, a minute): the counts start again with
 * each. The map holds at most
 * {@link #MAX_ADDRESSES} addresses per window; past that, the addresses not yet seen share one budget, so a flood
 * from many addresses is bounded in memory and in rows alike.
 */
@ApplicationScoped
public class RefusalBudget {

    static final int MAX_ADDRESSES = 10_000;
    private static final String OTHERS = "(others)";
    private final int perAddress;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private volatile Window window;

    @Inject
    public RefusalBudget(PaymentsConfig config) {
        this(config.webhooks().refusalsPerAddress(), config.webhooks().refusalWindow(), System::nanoTime);
    }

    RefusalBudget(int perAddress, Duration window, LongSupplier nanoTime) {
        this.perAddress = perAddress;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
        this.window = new Window(nanoTime.getAsLong());
    }

    /** Whether the address has used up its refusals for this window (nothing is spent). */
    public boolean exhausted(String address) {
        Window current = current();
        AtomicInteger used = current.used.get(key(current, address));
        return used != null && used.get() >= perAddress;
    }

    /** Spends one refusal of the address's budget; false when none was left. */
    public boolean spend(String address) {
        Window current = current();
        return current.used.computeIfAbsent(key(current, address), k -> new AtomicInteger()).incrementAndGet()
                <= perAddress;
    }

    private static String key(Window window, String address) {
        String known = address == null ? OTHERS : address;
        return window.used.size() < MAX_ADDRESSES || window.used.containsKey(known) ? known : OTHERS;
    }

    private Window current() {
        Window current = window;
        long now = nanoTime.getAsLong();
        if (now - current.startedNanos >= windowNanos) {
            // Two threads may both start a new window; the second replaces the first, losing at most a few counts.
            current = new Window(now);
            window = current;
        }
        return current;
    }

    private static final class Window {
        final long startedNanos;
        final ConcurrentHashMap<String, AtomicInteger> used = new ConcurrentHashMap<>();

        Window(long startedNanos) {
            this.startedNanos = startedNanos;
        }
    }
}
