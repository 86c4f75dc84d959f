package io.tally.presence.box;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A streamer's live room. {@code published} is derived from presence, never set by hand. */
public record Box(UUID id, String streamerId, String title, boolean published, OffsetDateTime publishedAt,
                  OffsetDateTime unpublishedAt, int liveConnections, int uniqueViewers, OffsetDateTime createdAt,
                  OffsetDateTime endedAt) {

    public boolean ended() {
        return endedAt != null;
    }
}
