package io.tally.common.events.presence;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/** Throttled (at most once per second per box): the box's live connections and unique viewers. */
public record ViewerCountChanged(UUID boxId, int liveConnections, int uniqueViewers) implements TallyEvent {

    @Override
    public String key() {
        return boxId.toString();
    }
}
