package io.tally.jobs.job;

import io.tally.jobs.config.JobsConfig;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: base × 2^(attempt-1), capped, plus up to {@code jitter} of itself at random. */
public record RetryPolicy(Duration baseDelay, Duration maxDelay, double jitter) {

    public static RetryPolicy of(JobsConfig.Retry config) {
        return new RetryPolicy(config.baseDelay(), config.maxDelay(), config.jitter());
    }

    /** Delay before the next attempt, given the number of attempts made so far (≥ 1). */
    public Duration delayAfter(int attemptsMade) {
        int doublings = Math.min(Math.max(0, attemptsMade - 1), 30);
        long base = baseDelay.toMillis() << doublings;
        long capped = Math.min(maxDelay.toMillis(), base < 0 ? Long.MAX_VALUE : base);
        long extra = (long) (capped * jitter * ThreadLocalRandom.current().nextDouble());
        return Duration.ofMillis(capped + extra);
    }
}
