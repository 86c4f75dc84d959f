package io.tally.common.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;

/**
 * Tally's rate limits count in fixed windows aligned to multiples of their length since the epoch (see
 * {@code RateLimiter}). A test that spends a budget and expects the next request refused must not straddle a
 * window boundary, or the refusal lands in a fresh window and is allowed; this waits for room first.
 */
public final class RateLimitWindows {

    private RateLimitWindows() {
    }

    /** Returns once the current {@code window} has at least {@code needed} left (waiting for the next one if not). */
    public static void awaitRoomFor(Duration needed, Duration window) {
        long windowSeconds = window.toSeconds();
        long latestStart = windowSeconds - needed.toSeconds();
        if (latestStart <= 0) {
            throw new IllegalArgumentException("A " + window + " window can never leave " + needed);
        }
        await().atMost(needed.plusSeconds(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> Instant.now().getEpochSecond() % windowSeconds < latestStart);
    }
}
