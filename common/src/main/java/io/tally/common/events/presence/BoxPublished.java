package io.tally.common.events.presence;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/** The box got its first live viewer and is now discoverable. */
public record BoxPublished(UUID boxId, String streamerId, int liveConnections) implements TallyEvent {

    @Override
    public String key() {
        return boxId.toString();
    }
}
