package io.tally.common.events.jobs;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/** Public lifecycle event: A worker claimed the job and holds its lease. */
public record JobStarted(UUID jobId, String userId, String workerId, int attempt) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
