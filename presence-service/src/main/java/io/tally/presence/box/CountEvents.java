package io.tally.presence.box;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.tally.common.db.ScheduledPasses;
import io.tally.common.db.Transactions;
import io.tally.common.events.presence.ViewerCountChanged;
import io.tally.common.outbox.OutboxWriter;
import io.tally.presence.config.PresenceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Emits ViewerCountChanged for boxes whose counts moved, at most once per box per {@code count-events-every}. */
@ApplicationScoped
public class CountEvents {

    private static final Logger LOG = Logger.getLogger(CountEvents.class);
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

    @Scheduled(every = "${tally.presence.count-events-every:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return ScheduledPasses.logFailures(emitOnce(), LOG, "Viewer count events");
    }

    public Uni<Integer> emitOnce() {
        return transactions.write(conn -> boxes.claimCountChanges(conn, config.countEventsEvery(), BATCH)
                .flatMap(changes -> outbox.appendAll(conn, changes.stream()
                                .map(c -> new ViewerCountChanged(c.boxId(), c.liveConnections(), c.uniqueViewers()))
                                .toList())
                        .replaceWith(changes.size())));
    }
}
