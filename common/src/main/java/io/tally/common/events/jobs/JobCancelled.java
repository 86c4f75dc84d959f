package io.tally.common.events.jobs;

import io.tally.common.events.TallyEvent;
import java.util.Map;
import java.util.UUID;

/** Public lifecycle event: The user cancelled the job. */
public record JobCancelled(UUID jobId, String userId, Map<String, String> metadata) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
