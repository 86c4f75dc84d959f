package io.tally.common.events.jobs;

import io.tally.common.events.TallyEvent;
import java.util.Map;
import java.util.UUID;

/** Public lifecycle event: The job failed for good after {@code attempts} attempts. */
public record JobFailed(UUID jobId, String userId, String error, int attempts, Map<String, String> metadata)
        implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
