package io.tally.jobs.job;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.PgNotifications;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wake-ups after commits, so nobody has to poll fast: long-polling workers learn that work arrived, and SSE
 * streams learn that their job changed. Within a replica the signal is direct; other replicas hear about new
 * work through a coalesced NOTIFY (sent after the commit, never inside a business transaction). Both sides
 * also poll slowly, so a lost signal only delays, never loses, anything.
 */
@ApplicationScoped
public class JobSignals {

    static final String WORK_CHANNEL = "tally_jobs_work";

    /**
     * The shortest wait {@link #awaitWork} honours. Its timeout is a Vert.x timer, and Vert.x refuses a timer under
     * a millisecond by throwing on the event loop: the wait would then never end, and a long-polling claim with it.
     */
    public static final Duration SHORTEST_WAIT = Duration.ofMillis(1);

    private final PgNotifications notifications;
    private final List<CompletableFuture<Void>> workWaiters = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<UUID, Set<Runnable>> jobWatchers = new ConcurrentHashMap<>();

    public JobSignals(PgNotifications notifications) {
        this.notifications = notifications;
    }

    void listen(@Observes StartupEvent ignored) {
        notifications.listen(WORK_CHANNEL, this::wakeWorkers).subscribe().with(ok -> { });
    }

    /** Completes when work may have arrived, or after {@code atMost} (at least {@link #SHORTEST_WAIT}). */
    public Uni<Void> awaitWork(Duration atMost) {
        Duration timeout = atMost.compareTo(SHORTEST_WAIT) < 0 ? SHORTEST_WAIT : atMost;
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        workWaiters.add(waiter);
        return Uni.createFrom().completionStage(waiter)
                .ifNoItem().after(timeout).recoverWithItem((Void) null)
                .onTermination().invoke(() -> workWaiters.remove(waiter));
    }

    public void workArrived() {
        wakeWorkers();
        notifications.notifyCoalesced(WORK_CHANNEL, Duration.ofMillis(5));
    }

    public void jobsChanged(Collection<UUID> ids) {
        for (UUID id : ids) {
            Set<Runnable> watchers = jobWatchers.get(id);
            if (watchers != null) {
                watchers.forEach(Runnable::run);
            }
        }
    }

    /** Calls {@code onChange} whenever this replica commits a change to the job; returns the unsubscribe. */
    public Runnable watch(UUID jobId, Runnable onChange) {
        jobWatchers.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet()).add(onChange);
        return () -> jobWatchers.computeIfPresent(jobId, (id, set) -> {
            set.remove(onChange);
            return set.isEmpty() ? null : set;
        });
    }

    private void wakeWorkers() {
        for (CompletableFuture<Void> waiter : workWaiters) {
            waiter.complete(null);
        }
    }
}
