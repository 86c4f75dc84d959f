package io.tally.presence.box;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.Transactions;
import io.tally.common.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Creating, reading, discovering and ending boxes. Only the streamer ends their box; others get 404. */
@ApplicationScoped
public class Boxes {

    private final Transactions transactions;
    private final Pool pool;
    private final BoxRepository boxes;
    private final PresenceUpdates updates;
    private final BoxStreams streams;

    public Boxes(Transactions transactions, Pool pool, BoxRepository boxes, PresenceUpdates updates,
                 BoxStreams streams) {
        this.transactions = transactions;
        this.pool = pool;
        this.boxes = boxes;
        this.updates = updates;
        this.streams = streams;
    }

    public Uni<Box> create(String streamerId, String title) {
        return boxes.insert(pool, UUID.randomUUID(), streamerId, title);
    }

    public Uni<Box> get(UUID id) {
        return boxes.find(pool, id).map(found -> found.orElseThrow(() -> ProblemException.notFound("Box " + id)));
    }

    public Uni<List<Box>> discover(int afterLive, UUID afterId, int limit) {
        return boxes.discover(pool, afterLive, afterId, limit);
    }

    public Uni<Void> end(UUID id, String callerId) {
        return transactions.write(conn -> boxes.find(conn, id).flatMap(found -> {
                    if (found.isEmpty() || !found.get().streamerId().equals(callerId)) {
                        throw ProblemException.notFound("Box " + id);
                    }
                    if (found.get().ended()) {
                        return Uni.createFrom().voidItem();
                    }
                    return updates.end(conn, id);
                }))
                .invoke(() -> streams.changed(List.of(id)));
    }
}
