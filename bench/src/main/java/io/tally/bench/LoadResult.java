package io.tally.bench;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What a load run measured: completed operations, failures, wall time, the latency histogram (µs) and, for an
 * open loop, the run second by second of intended start (empty otherwise).
 */
public record LoadResult(long completed, long errors, long elapsedNanos, Histogram latencyMicros,
                         List<Timeline.Second> seconds) {

    public double throughputPerSecond() {
        return completed / (elapsedNanos / 1e9);
    }

    public double percentileMillis(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }
}
