package io.tally.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * An open loop second by second of intended start: operations, how many took longer than a threshold, and the
 * slowest. A p99 says how much of a run was slow; this says when — one long stall, or a little every few seconds
 * (a periodic task), or the first seconds at full rate.
 */
public final class Timeline {

    /** One second of the run; {@code slow} counts the operations over the threshold. */
    public record Second(int index, long operations, long slow, double maxMillis) {
    }

    private final long slowMicros;
    private final AtomicLongArray operations;
    private final AtomicLongArray slow;
    private final AtomicLongArray maxMicros;

    Timeline(Duration duration, Duration slow) {
        int seconds = (int) duration.toSeconds() + 1;
        this.slowMicros = slow.toNanos() / 1000;
        this.operations = new AtomicLongArray(seconds);
        this.slow = new AtomicLongArray(seconds);
        this.maxMicros = new AtomicLongArray(seconds);
    }

    void record(long intendedOffsetNanos, long micros) {
        int second = (int) Math.min(operations.length() - 1, intendedOffsetNanos / 1_000_000_000L);
        operations.incrementAndGet(second);
        if (micros > slowMicros) {
            slow.incrementAndGet(second);
        }
        maxMicros.accumulateAndGet(second, micros, Math::max);
    }

    List<Second> seconds() {
        List<Second> seconds = new ArrayList<>();
        for (int i = 0; i < operations.length(); i++) {
            if (operations.get(i) > 0) {
                seconds.add(new Second(i, operations.get(i), slow.get(i), maxMicros.get(i) / 1000.0));
            }
        }
        return seconds;
    }

    /** Prints one line per second, e.g. {@code second  7: 20000 ops, 4791 over 25 ms, max 75.00 ms}. */
    public static void print(List<Second> seconds, Duration slow) {
        for (Second s : seconds) {
            System.out.printf("second %2d: %d ops, %d over %d ms, max %.2f ms%n", s.index(), s.operations(), s.slow(),
                    slow.toMillis(), s.maxMillis());
        }
    }
}
