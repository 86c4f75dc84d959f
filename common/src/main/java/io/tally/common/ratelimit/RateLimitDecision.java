package io.tally.common.ratelimit;

/** The limiter's answer for one hit: whether it passes and what the RateLimit headers say. */
public record RateLimitDecision(boolean allowed, int limit, int remaining, long resetSeconds) {
}
