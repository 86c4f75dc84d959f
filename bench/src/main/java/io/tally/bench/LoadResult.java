package io.tally.bench;

import org.HdrHistogram.Histogram;

/** What a load run measured: completed operations, failures, wall time and the latency histogram (µs). */
public record LoadResult(long completed, long errors, long elapsedNanos, Histogram latencyMicros) {

    public double throughputPerSecond() {
        return completed / (elapsedNanos / 1e9);
    }

    public double percentileMillis(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }
}
