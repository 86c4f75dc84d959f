package io.tally.presence.box;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.ScheduledPass;
import io.tally.common.outbox.Transactions;
import io.tally.common.events.presence.ViewerCountChanged;
import io.tally.common.outbox.OutboxWriter;
import io.tally.presence.config.PresenceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** Emits ViewerCountChanged for boxes whose counts moved, at most once per box per {@code count-events-every}. */
@ApplicationScoped
public class CountEvents implements ScheduledPass {

    private static final int BATCH = 1_000;

    private final Transactions transactions;
    private final BoxRepository boxes;
    private final OutboxWriter outbox;
    private final PresenceConfig config;

    public CountEvents(Transactions transactions, BoxRepository boxes, OutboxWriter outbox, PresenceConfig config) {
        this.transactions = transactions;
        this.boxes = boxes;
        this.outbox = outbox;
        this.config = config;
    }

    @Override
    public Schedule schedule() {
        return new Schedule("Viewer count events", config.countEventsEvery(), Duration.ofSeconds(1));
    }

    /** One pass; returns how many ViewerCountChanged events it wrote. */
    @Override
    public Uni<Integer> runOnce() {
        return transactions.write(conn -> boxes.claimCountChanges(conn, config.countEventsEvery(), BATCH)
                .flatMap(changes -> outbox.appendAll(conn, changes.stream()
                                .map(c -> new ViewerCountChanged(c.boxId(), c.liveConnections(), c.uniqueViewers()))
                                .toList())
                        .replaceWith(changes.size())));
    }
}

