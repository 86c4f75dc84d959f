package io.tally.presence.box;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.AdvisoryLocks;
import io.tally.common.outbox.Transactions;
import io.tally.common.problem.Problem;
import io.tally.common.problem.ProblemException;
import io.tally.presence.config.PresenceConfig;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Creating (a few open boxes per streamer), reading, discovering and ending boxes. Only the streamer ends their box;
 * others get 404.
 */
@ApplicationScoped
public class Boxes {

    private final Transactions transactions;
    private final Pool pool;
    private final BoxRepository boxes;
    private final PresenceUpdates updates;
    private final BoxStreams streams;
    private final PresenceConfig config;

    public Boxes(Transactions transactions, Pool pool, BoxRepository boxes, PresenceUpdates updates,
                 BoxStreams streams, PresenceConfig config) {
        this.transactions = transactions;
        this.pool = pool;
        this.boxes = boxes;
        this.updates = updates;
        this.streams = streams;
        this.config = config;
    }

    /** At most {@code max-open-boxes-per-streamer} open boxes each, checked under a per-streamer lock (race-free). */
    public Uni<Box> create(String streamerId, String title) {
        int max = config.maxOpenBoxesPerStreamer();
        return transactions.write(conn -> AdvisoryLocks.lockForTransaction(conn, "tally.presence.boxes:" + streamerId)
                .chain(() -> boxes.openBoxesOf(conn, streamerId))
                .chain(open -> {
                    if (open >= max) {
                        throw new ProblemException(Problem.of(429, "too-many-boxes", "Too many open boxes",
                                "You already have " + open + " open boxes; end one before creating another")
                                .with("max", max));
                    }
                    return boxes.insert(conn, UUID.randomUUID(), streamerId, title);
                }));
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
