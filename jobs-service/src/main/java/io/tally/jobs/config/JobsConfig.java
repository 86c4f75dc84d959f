package io.tally.jobs.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The business knobs of jobs-service; every one can be set from the environment (TALLY_JOBS_…). */
@ConfigMapping(prefix = "tally.jobs")
public interface JobsConfig {

    /** Longest prompt accepted, in characters. */
    @WithDefault("4000")
    int maxPromptLength();

    /** Event streams (GET /jobs/{id}/events) one user may hold open on one replica; one more is a 429. */
    @WithDefault("10")
    int maxStreamsPerUser();

    /** Attempts a job gets before it fails for good (an expired lease counts as one). */
    @WithDefault("3")
    int maxAttempts();

    Retry retry();

    Saga saga();

    Queue queue();

    RateLimit rateLimit();

    Submissions submissions();

    interface Retry {
        /** Delay before the second attempt; each later one doubles it, up to {@link #maxDelay}. */
        @WithDefault("2s")
        Duration baseDelay();

        @WithDefault("5m")
        Duration maxDelay();

        /** Random extra delay, as a fraction of the computed one, so retries of a burst spread out. */
        @WithDefault("0.2")
        double jitter();
    }

    interface Saga {
        /** A job still PENDING (or a capture, void or refund still unanswered) this long after the request is asked again. */
        @WithDefault("30s")
        Duration timeout();

        /**
         * A job still PENDING this long after it was submitted ends REJECTED instead of being asked about again:
         * credits has not answered for that long, and the user is told so rather than kept waiting. Its hold, if
         * credits placed one after all, is voided.
         */
        @WithDefault("10m")
        Duration deadline();

        @WithDefault("5s")
        Duration sweepEvery();

        /**
         * How long a job may take from submission to its end: its credit hold expires by itself then, so credits never
         * stay reserved for a job that was lost. A job still waiting at its deadline fails; a running one is stopped.
         */
        @WithDefault("24h")
        Duration holdLifetime();
    }

    interface Queue {
        /** Jobs of one user that may be PROCESSING at the same time. */
        @WithDefault("5")
        int maxRunningPerUser();

        /** Virtual-time spacing between the queued jobs of one user (fair interleaving). */
        @WithDefault("2s")
        Duration fairSpacing();

        @WithDefault("300")
        int defaultLeaseSeconds();

        @WithDefault("3600")
        int maxLeaseSeconds();

        @WithDefault("100")
        int maxClaimBatch();

        @WithDefault("30")
        int maxWaitSeconds();

        @WithDefault("1s")
        Duration leaseSweepEvery();

        /** Worker reports (heartbeats, completions, failures) applied together in one transaction, at most. */
        @WithDefault("200")
        int reportBatchSize();

        /**
         * Report batches committing at the same time; more reports wait and join the next batch. Two keep both
         * cores busy, as for payments' webhooks.
         */
        @WithDefault("2")
        int reportConcurrentBatches();
    }

    interface Submissions {
        /** Submissions (POST /jobs) stored together in one transaction, at most. */
        @WithDefault("200")
        int batchSize();

        /** Submission batches committing at the same time; more submissions wait and join the next batch. */
        @WithDefault("2")
        int concurrentBatches();
    }

    interface RateLimit {
        /** Job submissions per user per window. */
        @WithDefault("60")
        int perUser();

        /** Job submissions per client IP per window (several users behind one NAT share it). */
        @WithDefault("300")
        int perIp();

        @WithDefault("60s")
        Duration window();
    }
}
