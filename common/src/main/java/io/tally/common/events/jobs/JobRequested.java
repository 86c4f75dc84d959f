package io.tally.common.events.jobs;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/** Saga step 1: a job waits for its charge of {@code cost} credits (business key {@code job:{jobId}:charge}). */
public record JobRequested(UUID jobId, String userId, long cost) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
