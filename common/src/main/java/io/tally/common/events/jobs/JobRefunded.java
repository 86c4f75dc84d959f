package io.tally.common.events.jobs;

import io.tally.common.events.TallyEvent;
import java.util.Map;
import java.util.UUID;

/** Public lifecycle event: the job's credits came back to the user, all {@code amount} of them. */
public record JobRefunded(UUID jobId, String userId, long amount, Map<String, String> metadata) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
