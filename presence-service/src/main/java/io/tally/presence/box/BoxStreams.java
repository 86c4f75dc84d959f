package io.tally.presence.box;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.jboss.logging.Logger;

/**
 * Live views of boxes for Server-Sent Events. All streams of this replica share one poll of their boxes a second
 * (one query whatever the number of watchers), so changes made through any replica reach them within a second;
 * changes made here are pushed at once ({@link #changed}).
 */
@ApplicationScoped
public class BoxStreams {

    private static final Logger LOG = Logger.getLogger(BoxStreams.class);

    /** What a stream shows of a box. */
    public record Snapshot(boolean published, int liveConnections, int uniqueViewers, boolean ended) {
        static Snapshot of(Box box) {
            return new Snapshot(box.published(), box.liveConnections(), box.uniqueViewers(), box.ended());
        }
    }

    private final Pool pool;
    private final BoxRepository boxes;
    private final Map<UUID, Set<MultiEmitter<? super Snapshot>>> watchers = new ConcurrentHashMap<>();

    public BoxStreams(Pool pool, BoxRepository boxes) {
        this.pool = pool;
        this.boxes = boxes;
    }

    /** The box's snapshots: the current one first, then one per change; completes when the box ends. */
    public Multi<Snapshot> follow(Box box) {
        return Multi.createFrom().emitter(emitter -> {
            emitter.emit(Snapshot.of(box));
            if (box.ended()) {
                emitter.complete();
                return;
            }
            Set<MultiEmitter<? super Snapshot>> set = watchers.computeIfAbsent(box.id(), id -> new CopyOnWriteArraySet<>());
            set.add(emitter);
            emitter.onTermination(() -> {
                set.remove(emitter);
                watchers.computeIfPresent(box.id(), (id, s) -> s.isEmpty() ? null : s);
            });
        });
    }

    /** Boxes changed on this replica: their streams hear it now rather than at the next poll. */
    public void changed(Collection<UUID> boxIds) {
        List<UUID> watched = boxIds.stream().filter(watchers::containsKey).toList();
        if (!watched.isEmpty()) {
            poll(watched);
        }
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void pollAll() {
        if (!watchers.isEmpty()) {
            poll(List.copyOf(watchers.keySet()));
        }
    }

    private void poll(List<UUID> ids) {
        boxes.findMany(pool, ids).subscribe().with(found -> found.forEach(box -> {
            Set<MultiEmitter<? super Snapshot>> set = watchers.getOrDefault(box.id(), Set.of());
            Snapshot snapshot = Snapshot.of(box);
            for (MultiEmitter<? super Snapshot> emitter : set) {
                emitter.emit(snapshot);
                if (snapshot.ended()) {
                    emitter.complete();
                }
            }
        }), e -> LOG.debugf("Box stream poll failed: %s", e.toString()));
    }
}
