package io.tally.common.events.jobs;

import io.tally.common.events.TallyEvent;
import java.util.Map;
import java.util.UUID;

/** Public lifecycle event: The job finished and its result is at {@code resultUrl}. */
public record JobCompleted(UUID jobId, String userId, String resultUrl, Map<String, String> metadata)
        implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
