package io.tally.presence.box;

import io.tally.common.events.TallyEvent;
import io.tally.common.events.presence.BoxPublished;
import io.tally.common.events.presence.BoxUnpublished;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A box's presence as locked for recomputation, and the one rule that derives {@code published} from it:
 * published while it has a live connection; once empty, unpublished after the grace period (at once without one).
 */
public record BoxState(UUID id, String streamerId, boolean published, OffsetDateTime emptySince, int liveConnections,
                       int uniqueViewers, OffsetDateTime endedAt) {

    /** The state given fresh counts, and the transition event it causes (null when none). */
    public Recomputed recompute(int live, int unique, OffsetDateTime now, Duration grace) {
        if (endedAt != null) {
            return new Recomputed(with(false, null, live, unique), null);
        }
        if (live > 0) {
            BoxState next = with(true, null, live, unique);
            return new Recomputed(next, published ? null : new BoxPublished(id, streamerId, live));
        }
        if (!published) {
            return new Recomputed(with(false, null, 0, unique), null);
        }
        OffsetDateTime since = emptySince != null ? emptySince : now;
        if (grace.isZero() || !since.plus(grace).isAfter(now)) {
            return new Recomputed(with(false, null, 0, unique), new BoxUnpublished(id, streamerId, "no_viewers"));
        }
        return new Recomputed(with(true, since, 0, unique), null);
    }

    /** The streamer ended the box: it unpublishes now, whoever still watches. */
    public Recomputed end(OffsetDateTime now) {
        BoxState ended = new BoxState(id, streamerId, false, null, 0, 0, now);
        return new Recomputed(ended, published ? new BoxUnpublished(id, streamerId, "ended") : null);
    }

    private BoxState with(boolean nowPublished, OffsetDateTime since, int live, int unique) {
        return new BoxState(id, streamerId, nowPublished, since, live, unique, endedAt);
    }

    public record Recomputed(BoxState state, TallyEvent transition) {
    }
}
