package io.tally.common.events.presence;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/** The box lost its last live viewer (after the grace period, if any), or the streamer ended it. */
public record BoxUnpublished(UUID boxId, String streamerId, String reason) implements TallyEvent {

    @Override
    public String key() {
        return boxId.toString();
    }
}
