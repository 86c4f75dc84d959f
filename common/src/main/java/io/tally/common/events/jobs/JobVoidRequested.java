package io.tally.common.events.jobs;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/** A job ended without a result (failed, cancelled, past its saga deadline): credits voids its hold, if it has one. */
public record JobVoidRequested(UUID jobId, String userId, String reason) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
