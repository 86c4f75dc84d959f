package io.tally.common.events.jobs;

import io.tally.common.events.TallyEvent;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * Saga step 1: a job asks credits to hold {@code cost} credits for it until {@code holdExpiresAt}, the job's deadline
 * (the hold's id is the job's id), with the job's {@code metadata} (the caller's labels, null when none) for the hold.
 * Events written before holds carry no deadline; credits then gives the hold a day.
 */
public record JobRequested(UUID jobId, String userId, long cost, OffsetDateTime holdExpiresAt,
                           Map<String, String> metadata) implements TallyEvent {

    /** The shape written before holds (no deadline), still read from older topics. */
    public JobRequested(UUID jobId, String userId, long cost) {
        this(jobId, userId, cost, null, null);
    }

    @Override
    public String key() {
        return userId;
    }
}
