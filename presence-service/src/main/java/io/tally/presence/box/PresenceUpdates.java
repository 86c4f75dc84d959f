package io.tally.presence.box;

import io.smallrye.mutiny.Uni;
import io.tally.common.events.TallyEvent;
import io.tally.common.outbox.OutboxWriter;
import io.tally.presence.config.PresenceConfig;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Recomputes boxes' presence after their sessions changed, on the caller's transaction: the boxes are locked
 * (id order), counted afresh — the count runs after the lock, so it sees every session committed before — and
 * published or unpublished by {@link BoxState}'s rule. A transition's event goes to the outbox in the same
 * transaction, and because every replica recomputes under the same row lock, each transition happens, and is
 * emitted, exactly once.
 */
@ApplicationScoped
public class PresenceUpdates {

    private final BoxRepository boxes;
    private final SessionCounts sessions;
    private final OutboxWriter outbox;
    private final PresenceConfig config;

    public PresenceUpdates(BoxRepository boxes, SessionCounts sessions, OutboxWriter outbox, PresenceConfig config) {
        this.boxes = boxes;
        this.sessions = sessions;
        this.outbox = outbox;
        this.config = config;
    }

    public Uni<Void> recompute(SqlConnection conn, Collection<UUID> boxIds) {
        if (boxIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return boxes.lockStates(conn, boxIds).flatMap(locked -> sessions.counts(conn, boxIds).flatMap(counts -> {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            List<BoxState> next = new ArrayList<>();
            List<TallyEvent> events = new ArrayList<>();
            for (BoxState state : locked) {
                SessionCounts.Counts c = counts.getOrDefault(state.id(), SessionCounts.Counts.NONE);
                BoxState.Recomputed r = state.recompute(c.live(), c.unique(), now, config.grace());
                next.add(r.state());
                if (r.transition() != null) {
                    events.add(r.transition());
                }
            }
            return save(conn, next, events, now);
        }));
    }

    /** The streamer ends the box: sessions dropped, unpublished now if it was published. */
    public Uni<Void> end(SqlConnection conn, UUID boxId) {
        return boxes.lockStates(conn, List.of(boxId)).flatMap(locked -> {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            BoxState.Recomputed r = locked.get(0).end(now);
            return sessions.removeAll(conn, boxId).chain(() -> save(conn, List.of(r.state()),
                    r.transition() == null ? List.of() : List.of(r.transition()), now));
        });
    }

    private Uni<Void> save(SqlConnection conn, List<BoxState> states, List<TallyEvent> events, OffsetDateTime now) {
        return boxes.saveStates(conn, states, now).chain(() -> outbox.appendAll(conn, events));
    }
}
