package io.tally.common.events.jobs;

import io.tally.common.events.TallyEvent;
import java.util.Map;
import java.util.UUID;

/** Public lifecycle event: a job whose price is held entered the queue. */
public record JobQueued(UUID jobId, String userId, String type, int priority, long cost, Map<String, String> metadata)
        implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
