package io.tally.jobs.rest;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.tally.common.http.StreamShutdown;
import io.tally.common.problem.Problem;
import io.tally.common.problem.ProblemException;
import io.tally.jobs.config.JobsConfig;
import io.tally.jobs.job.Job;
import io.tally.jobs.job.JobRepository;
import io.tally.jobs.job.JobRepository.HistoryRow;
import io.tally.jobs.job.JobSignals;
import io.tally.jobs.job.JobStatus;
import io.tally.jobs.job.UserJobs;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Follows one job's history for an SSE client: replays what it has not seen (after Last-Event-ID), then sends
 * each new entry as it is committed — woken at once by changes made in this replica, and by one poll every
 * {@link #POLL_MS} ms shared by all of this replica's streams (one query for the newest history entry of every
 * followed job, like presence's box streams) for changes made elsewhere — and completes once the job is settled, or
 * with a {@code reconnect} event when this replica shuts down (the client resumes from its Last-Event-ID elsewhere).
 * A user holds at most {@code tally.jobs.max-streams-per-user} streams per replica.
 */
@ApplicationScoped
public class JobEventStream {

    static final long POLL_MS = 500;
    private static final java.time.Duration OWNERSHIP_CHECK_TIMEOUT = java.time.Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(JobEventStream.class);

    private final UserJobs userJobs;
    private final JobRepository jobs;
    private final Pool pool;
    private final JobSignals signals;
    private final Vertx vertx;
    private final StreamShutdown streamShutdown;
    private final int maxStreamsPerUser;
    private final Map<UUID, Set<Follower>> following = new ConcurrentHashMap<>();
    private final Map<String, Integer> streamsPerUser = new ConcurrentHashMap<>();
    private final AtomicBoolean sharedPollStarted = new AtomicBoolean();
    private final AtomicBoolean sharedPollRunning = new AtomicBoolean();

    public JobEventStream(UserJobs userJobs, JobRepository jobs, Pool pool, JobSignals signals, Vertx vertx,
                          StreamShutdown streamShutdown, JobsConfig config) {
        this.userJobs = userJobs;
        this.jobs = jobs;
        this.pool = pool;
        this.signals = signals;
        this.vertx = vertx;
        this.streamShutdown = streamShutdown;
        this.maxStreamsPerUser = config.maxStreamsPerUser();
    }

    /** One SSE event's data: the job's status and progress after the change. */
    public record JobUpdate(UUID jobId, String status, int progress, String detail, OffsetDateTime at) {
    }

    public Multi<OutboundSseEvent> follow(String userId, UUID jobId, long afterEventId, Sse sse) {
        // Ownership is checked before the response starts (the caller runs on a worker thread for this one
        // lookup), so another user's job is a plain 404 problem rather than a stream that breaks off.
        userJobs.find(userId, jobId).await().atMost(OWNERSHIP_CHECK_TIMEOUT);
        reserveStream(userId);
        if (sharedPollStarted.compareAndSet(false, true)) {
            vertx.setPeriodic(POLL_MS, id -> pollAll());
        }
        return streamShutdown.untilShutdown(Multi.createFrom().emitter(emitter -> {
            new Follower(userId, jobId, afterEventId, sse, emitter).start();
        }), sse);
    }

    private void reserveStream(String userId) {
        boolean[] reserved = {false};
        streamsPerUser.compute(userId, (user, open) -> {
            int now = open == null ? 0 : open;
            reserved[0] = now < maxStreamsPerUser;
            return reserved[0] ? now + 1 : open;
        });
        if (!reserved[0]) {
            throw new ProblemException(Problem.of(429, "too-many-streams", "Too many event streams",
                    "You already follow " + maxStreamsPerUser + " job event streams; close one first")
                    .with("max", maxStreamsPerUser));
        }
    }

    private void releaseStream(String userId) {
        streamsPerUser.computeIfPresent(userId, (user, open) -> open <= 1 ? null : open - 1);
    }

    /** The one poll for changes made through other replicas: wakes the streams whose job has a newer entry. */
    private void pollAll() {
        if (following.isEmpty() || !sharedPollRunning.compareAndSet(false, true)) {
            return;
        }
        jobs.latestHistoryIds(pool, List.copyOf(following.keySet())).subscribe().with(latest -> {
            sharedPollRunning.set(false);
            latest.forEach((jobId, last) -> following.getOrDefault(jobId, Set.of()).forEach(f -> f.wakeIfBehind(last)));
        }, failure -> {
            sharedPollRunning.set(false);
            LOG.debugf("Job stream poll failed, retried at the next tick: %s", failure.toString());
        });
    }

    private final class Follower {
        private final String userId;
        private final UUID jobId;
        private final Sse sse;
        private final MultiEmitter<? super OutboundSseEvent> emitter;
        private final AtomicLong lastId;
        private final AtomicBoolean polling = new AtomicBoolean();
        private final AtomicBoolean pollAgain = new AtomicBoolean();
        private Runnable unwatch = () -> { };
        private JobStatus lastStatus;

        Follower(String userId, UUID jobId, long afterEventId, Sse sse,
                 MultiEmitter<? super OutboundSseEvent> emitter) {
            this.userId = userId;
            this.jobId = jobId;
            this.sse = sse;
            this.emitter = emitter;
            this.lastId = new AtomicLong(afterEventId);
        }

        void start() {
            unwatch = signals.watch(jobId, this::poll);
            following.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet()).add(this);
            // The emitter keeps one termination callback: everything a stream holds is given back here.
            emitter.onTermination(() -> {
                releaseStream(userId);
                unwatch.run();
                following.computeIfPresent(jobId, (id, followers) -> {
                    followers.remove(this);
                    return followers.isEmpty() ? null : followers;
                });
            });
            poll();
        }

        void wakeIfBehind(long newestEntry) {
            if (newestEntry > lastId.get()) {
                poll();
            }
        }

        /** One poll at a time; a wake-up during a poll makes it run once more. */
        private void poll() {
            if (!polling.compareAndSet(false, true)) {
                pollAgain.set(true);
                return;
            }
            pollAgain.set(false);
            // The job is read before its history, so a settled job's last entries are already in what follows.
            userJobs.find(userId, jobId)
                    .flatMap(job -> jobs.historyAfter(pool, jobId, lastId.get()).map(rows -> new Snapshot(job, rows)))
                    .subscribe().with(this::emit, failure -> {
                        polling.set(false);
                        emitter.fail(failure);
                    });
        }

        private void emit(Snapshot snapshot) {
            for (HistoryRow row : snapshot.rows()) {
                lastId.set(row.id());
                JobStatus previous = lastStatus;
                lastStatus = row.status();
                emitter.emit(sse.newEventBuilder()
                        .id(Long.toString(row.id()))
                        .name(row.status() == previous ? "progress" : "status")
                        .mediaType(MediaType.APPLICATION_JSON_TYPE)
                        .data(JobUpdate.class, new JobUpdate(jobId, row.status().name(), row.progress(), row.detail(),
                                row.at()))
                        .build());
            }
            boolean fullPage = snapshot.rows().size() >= 500;
            polling.set(false);
            if (snapshot.job().isSettled() && !fullPage) {
                emitter.complete();
            } else if (fullPage || pollAgain.get()) {
                poll();
            }
        }
    }

    private record Snapshot(Job job, List<HistoryRow> rows) {
    }
}
