package io.tally.jobs.queue;

import io.tally.jobs.job.Job;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A job handed to a worker: the lease token must accompany every report about it. */
public record ClaimedJob(UUID leaseToken, OffsetDateTime leaseExpiresAt, Job job) {
}
