package io.tally.common.events.jobs;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/** A job finished with a result: credits captures {@code credits} of its hold (at most the hold) and releases the rest. */
public record JobCaptureRequested(UUID jobId, String userId, long credits) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
