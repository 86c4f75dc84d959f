package io.tally.presence.rest;

import io.tally.common.problem.ProblemException;
import io.tally.presence.box.Box;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * Keyset position in discovery (most watched first, then by id): the last box's live connections and id,
 * opaque to clients. The first page starts above any count.
 */
record DiscoveryCursor(int liveConnections, UUID id) {

    static final DiscoveryCursor FIRST = new DiscoveryCursor(Integer.MAX_VALUE, new UUID(0, 0));

    static DiscoveryCursor after(Box last) {
        return new DiscoveryCursor(last.liveConnections(), last.id());
    }

    String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((liveConnections + "_" + id).getBytes(StandardCharsets.UTF_8));
    }

    static DiscoveryCursor decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return FIRST;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("_", 2);
            return new DiscoveryCursor(Integer.parseInt(parts[0]), UUID.fromString(parts[1]));
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("cursor must be the nextCursor of a previous page");
        }
    }
}
