package io.tally.jobs.job;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.Columns;
import io.tally.common.db.Pipelined;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/** The SQL of jobs and their history, next to the row mapper. Writes take the caller's transaction. */
@ApplicationScoped
public class JobRepository {

    static final String COLUMNS = """
            id, user_id, status, type, prompt, image_url, duration_seconds, resolution, aspect_ratio, quality,
            model, cost, priority, charge_status, rejection_reason, attempts, max_attempts, queue_key, next_run_at,
            lease_owner, lease_token, lease_expires_at, cancel_requested, progress, result_url, error,
            provider_name, provider_job_id, provider_cost, created_at, saga_requested_at, queued_at, started_at,
            finished_at, deleted_at, updated_at, trace_parent, hold_expires_at, price, captured, available_after,
            metadata""";

    /** New jobs, set-wise: the saga timestamps and updated_at start at the submission time. */
    private static final String INSERT = """
            INSERT INTO jobs (id, user_id, status, type, prompt, image_url, duration_seconds, resolution,
                              aspect_ratio, quality, model, cost, priority, max_attempts, created_at, trace_parent,
                              hold_expires_at, metadata, saga_requested_at, updated_at)
            SELECT j.id, j.user_id, j.status, j.type, j.prompt, j.image_url, j.duration_seconds, j.resolution,
                   j.aspect_ratio, j.quality, j.model, j.cost, j.priority, j.max_attempts, j.created_at, j.trace_parent,
                   j.hold_expires_at, j.metadata::jsonb, j.created_at, j.created_at
              FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[],
                          $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::int[], $14::int[],
                          $15::timestamptz[], $16::text[], $17::timestamptz[], $18::text[])
                   AS j(id, user_id, status, type, prompt, image_url, duration_seconds, resolution, aspect_ratio,
                        quality, model, cost, priority, max_attempts, created_at, trace_parent, hold_expires_at,
                        metadata)
            """;

    private static final String LOCK = "SELECT " + COLUMNS + " FROM jobs WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE";

    private static final String FIND_OWN = "SELECT " + COLUMNS + " FROM jobs WHERE id = $1 AND user_id = $2";

    private static final String LOCK_OWN = FIND_OWN + " FOR UPDATE";

    private static final String FIND = "SELECT " + COLUMNS + " FROM jobs WHERE id = $1";

    private static final String HAS_JOBS = "SELECT EXISTS (SELECT 1 FROM jobs WHERE user_id = $1) AS any";

    private static final String KNOWN = "SELECT id FROM jobs WHERE id = ANY($1::uuid[])";

    /** Writes back every mutable column of a set of jobs in one statement. */
    private static final String SAVE = """
            UPDATE jobs SET status = c.status, charge_status = c.charge_status, rejection_reason = c.rejection_reason,
                   attempts = c.attempts, queue_key = c.queue_key, next_run_at = c.next_run_at,
                   lease_owner = c.lease_owner, lease_token = c.lease_token, lease_expires_at = c.lease_expires_at,
                   cancel_requested = c.cancel_requested, progress = c.progress, result_url = c.result_url,
                   error = c.error, provider_name = c.provider_name, provider_job_id = c.provider_job_id,
                   provider_cost = c.provider_cost::numeric, saga_requested_at = c.saga_requested_at,
                   queued_at = c.queued_at, started_at = c.started_at, finished_at = c.finished_at,
                   deleted_at = c.deleted_at, price = c.price, captured = c.captured,
                   available_after = c.available_after, updated_at = now()
              FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[],
                          $7::timestamptz[], $8::text[], $9::uuid[], $10::timestamptz[], $11::bool[], $12::int[],
                          $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::timestamptz[],
                          $19::timestamptz[], $20::timestamptz[], $21::timestamptz[], $22::timestamptz[],
                          $23::bigint[], $24::bigint[], $25::bigint[])
                   AS c(id, status, charge_status, rejection_reason, attempts, queue_key, next_run_at, lease_owner,
                        lease_token, lease_expires_at, cancel_requested, progress, result_url, error, provider_name,
                        provider_job_id, provider_cost, saga_requested_at, queued_at, started_at, finished_at,
                        deleted_at, price, captured, available_after)
             WHERE jobs.id = c.id
            """;

    private static final String APPEND_HISTORY = """
            INSERT INTO job_history (job_id, status, progress, detail)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[])
            """;

    static final String LIST = "SELECT " + COLUMNS + """
             FROM jobs
            WHERE user_id = $1
              AND (created_at, id) < ($2, $3::uuid)
              AND ($4::text IS NULL OR status = $4)
              AND ($5 OR deleted_at IS NULL)
            ORDER BY created_at DESC, id DESC
            LIMIT $6
            """;

    static final String DELETED = "SELECT " + COLUMNS + """
             FROM jobs
            WHERE user_id = $1 AND deleted_at IS NOT NULL
              AND (deleted_at, id) < ($2, $3::uuid)
            ORDER BY deleted_at DESC, id DESC
            LIMIT $4
            """;

    /** The newest history entry of each job some stream follows: one index probe per job, one query for all. */
    private static final String LATEST_HISTORY = """
            SELECT j.id AS job_id, (SELECT max(h.id) FROM job_history h WHERE h.job_id = j.id) AS last
              FROM unnest($1::uuid[]) AS j (id)
            """;

    static final String HISTORY = """
            SELECT id, status, progress, detail, at FROM job_history
             WHERE job_id = $1 AND id > $2 ORDER BY id LIMIT 500
            """;

    /**
     * Runnable jobs in claim order — priority, then the fair queue key — skipping users already at their bound of
     * running jobs and rows another transaction holds. {@code running} is the owner's count of PROCESSING jobs,
     * one lookup in {@code jobs_running} per candidate (LATERAL keeps it a probe: as a join against an aggregate of
     * all running jobs the planner, misled by statistics that rarely see them, compared every pair).
     */
    private static final String CLAIM_CANDIDATES = """
            SELECT %s, r.n AS running
              FROM jobs j
             CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM jobs p
                                  WHERE p.status = 'PROCESSING' AND p.user_id = j.user_id) r
             WHERE j.status IN (%s) AND j.next_run_at <= now() AND j.type = ANY($1::text[])
               AND r.n < $2
             ORDER BY j.priority DESC, j.queue_key, j.id
             LIMIT $3
             FOR UPDATE OF j SKIP LOCKED
            """.formatted(prefixed("j."), quoted(JobStatus.sourcesOf(JobStatus.PROCESSING)));

    private static final String EXPIRED_LEASES = "SELECT " + COLUMNS + """
             FROM jobs WHERE status = 'PROCESSING' AND lease_expires_at < now()
            ORDER BY lease_expires_at LIMIT $1 FOR UPDATE SKIP LOCKED
            """;

    private static final String SAGA_WAITING = "SELECT " + COLUMNS + """
             FROM jobs
            WHERE (status = 'PENDING' OR charge_status IN ('refund_requested', 'capture_requested', 'void_requested'))
              AND saga_requested_at < now() - make_interval(secs => $1)
            ORDER BY saga_requested_at LIMIT $2 FOR UPDATE SKIP LOCKED
            """;

    /**
     * Advances the owners' queue clocks for {@code n} newly queued jobs each and returns each clock's new value:
     * the owner's jobs take the virtual times value - (n-1)·spacing … value, one spacing apart.
     */
    private static final String ADVANCE_CLOCKS = """
            INSERT INTO user_queue_clock AS c (user_id, virtual_at)
            SELECT u.user_id, now() + (u.n - 1) * make_interval(secs => $3)
              FROM unnest($1::text[], $2::int[]) AS u(user_id, n)
            ON CONFLICT (user_id) DO UPDATE
               SET virtual_at = greatest(now(), c.virtual_at + make_interval(secs => $3)) + (excluded.virtual_at - now())
            RETURNING user_id, virtual_at
            """;

    private static final String STATS = """
            SELECT status, count(*) FILTER (WHERE deleted_at IS NULL) AS jobs,
                   coalesce(sum(coalesce(captured, cost))
                            FILTER (WHERE charge_status IN ('charged', 'refund_requested', 'refund_refused', 'captured')),
                            0) AS spent,
                   coalesce(sum(coalesce(captured, cost)) FILTER (WHERE charge_status IN ('refunded', 'voided')), 0)
                       AS refunded,
                   coalesce(sum(cost) FILTER (WHERE charge_status IN ('held', 'capture_requested', 'void_requested')),
                            0) AS held
              FROM jobs WHERE user_id = $1 GROUP BY status
            """;

    private static final String QUEUE_COUNTS = "SELECT status, count(*) AS jobs FROM jobs GROUP BY status";

    private static final String QUEUE_TIMINGS = """
            SELECT (SELECT extract(epoch FROM now() - min(queued_at))
                      FROM jobs WHERE status IN ('QUEUED', 'RETRYING')) AS oldest_queued_s,
                   (SELECT extract(epoch FROM avg(started_at - queued_at))
                      FROM jobs WHERE started_at > now() - interval '1 hour') AS avg_wait_s,
                   (SELECT extract(epoch FROM avg(finished_at - started_at))
                      FROM jobs WHERE finished_at > now() - interval '1 hour' AND started_at IS NOT NULL) AS avg_run_s,
                   (SELECT count(*) FROM jobs
                     WHERE status = 'COMPLETED' AND finished_at > now() - interval '1 hour') AS completed_last_hour
            """;

    /**
     * The workers holding leases now, by the token subject they claimed with: how many jobs each runs, when its next
     * lease lapses, and how many have lapsed already (the lease sweep takes those back). An idle worker holds no
     * lease and is not listed: workers are stateless clients, known only by what they hold.
     */
    private static final String WORKER_LEASES = """
            SELECT lease_owner AS worker, count(*) AS running, min(lease_expires_at) AS next_expiry,
                   count(*) FILTER (WHERE lease_expires_at < now()) AS lapsed
              FROM jobs WHERE status = 'PROCESSING'
             GROUP BY lease_owner ORDER BY running DESC, worker LIMIT 100
            """;

    /** The running jobs whose leases lapse first (the lease token itself is the worker's, never shown). */
    private static final String SOONEST_LEASES = """
            SELECT id, user_id, type, lease_owner, attempts, progress, started_at, lease_expires_at
              FROM jobs WHERE status = 'PROCESSING' ORDER BY lease_expires_at LIMIT $1
            """;

    /** Jobs that ended in each minute of the last hour (only minutes with any), completed apart from the rest. */
    private static final String FINISHED_PER_MINUTE = """
            SELECT date_trunc('minute', finished_at) AS minute,
                   count(*) FILTER (WHERE status = 'COMPLETED') AS completed,
                   count(*) FILTER (WHERE status <> 'COMPLETED') AS other
              FROM jobs
             WHERE finished_at >= date_trunc('minute', now()) - interval '59 minutes'
             GROUP BY 1 ORDER BY 1
            """;

    public Uni<Void> insert(SqlClient client, List<Job> jobs) {
        Tuple columns = Columns.of(jobs)
                .add(Job::getId, UUID[]::new)
                .add(Job::getUserId, String[]::new)
                .add(job -> job.status.name(), String[]::new)
                .add(Job::getType, String[]::new)
                .add(Job::getPrompt, String[]::new)
                .add(Job::getImageUrl, String[]::new)
                .add(Job::getDurationSeconds, Integer[]::new)
                .add(Job::getResolution, String[]::new)
                .add(Job::getAspectRatio, String[]::new)
                .add(Job::getQuality, String[]::new)
                .add(Job::getModel, String[]::new)
                .add(Job::getCost, Long[]::new)
                .add(Job::getPriority, Integer[]::new)
                .add(Job::getMaxAttempts, Integer[]::new)
                .add(Job::getCreatedAt, OffsetDateTime[]::new)
                .add(Job::getTraceParent, String[]::new)
                .add(Job::getHoldExpiresAt, OffsetDateTime[]::new)
                .add(job -> job.getMetadata() == null ? null : new JsonObject(new LinkedHashMap<>(job.getMetadata())).encode(),
                        String[]::new)
                .tuple();
        return client.preparedQuery(INSERT).execute(columns).replaceWithVoid();
    }

    /** Locks and loads the given jobs (missing ids are simply absent from the map). */
    public Uni<Map<UUID, Job>> lock(SqlClient client, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return client.preparedQuery(LOCK).execute(Tuple.of(ids.toArray(UUID[]::new))).map(rows -> {
            Map<UUID, Job> jobs = new HashMap<>();
            rows.forEach(row -> jobs.put(row.getUUID("id"), fromRow(row)));
            return jobs;
        });
    }

    /** Which of the given ids are jobs of this service, read without locking them. */
    public Uni<Set<UUID>> known(SqlClient client, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return client.preparedQuery(KNOWN).execute(Tuple.of(ids.toArray(UUID[]::new))).map(rows -> {
            Set<UUID> known = new HashSet<>();
            rows.forEach(row -> known.add(row.getUUID("id")));
            return known;
        });
    }

    public Uni<Optional<Job>> findOwn(SqlClient client, UUID id, String userId) {
        return client.preparedQuery(FIND_OWN).execute(Tuple.of(id, userId)).map(JobRepository::first);
    }

    /** Any user's job, for an operator. */
    public Uni<Optional<Job>> find(SqlClient client, UUID id) {
        return client.preparedQuery(FIND).execute(Tuple.of(id)).map(JobRepository::first);
    }

    /** Whether the user ever submitted a job (deleted ones included). */
    public Uni<Boolean> hasJobs(SqlClient client, String userId) {
        return client.preparedQuery(HAS_JOBS).execute(Tuple.of(userId)).map(rows -> rows.iterator().next().getBoolean("any"));
    }

    public Uni<Optional<Job>> lockOwn(SqlClient client, UUID id, String userId) {
        return client.preparedQuery(LOCK_OWN).execute(Tuple.of(id, userId)).map(JobRepository::first);
    }

    public Uni<List<Job>> list(SqlClient client, String userId, OffsetDateTime beforeCreated, UUID beforeId,
                               JobStatus status, boolean includeDeleted, int limit) {
        return client.preparedQuery(LIST).execute(Tuple.from(new Object[]{userId, beforeCreated, beforeId,
                        status == null ? null : status.name(), includeDeleted, limit}))
                .map(JobRepository::all);
    }

    /** A user's deleted jobs, the most recently deleted first, after the cursor ({@code deleted_at}, id). */
    public Uni<List<Job>> deleted(SqlClient client, String userId, OffsetDateTime beforeDeleted, UUID beforeId,
                                  int limit) {
        return client.preparedQuery(DELETED).execute(Tuple.of(userId, beforeDeleted, beforeId, limit))
                .map(JobRepository::all);
    }

    /** Saves the changed jobs, their history entries, and nothing else; events are the caller's to append. */
    public Uni<Void> save(SqlClient client, Collection<Job> jobs) {
        List<Job> dirty = jobs.stream().filter(Job::isDirty).toList();
        if (dirty.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Tuple columns = Columns.of(dirty)
                .add(Job::getId, UUID[]::new)
                .add(j -> j.status.name(), String[]::new)
                .add(j -> j.chargeStatus.dbValue(), String[]::new)
                .add(j -> j.rejectionReason, String[]::new)
                .add(j -> j.attempts, Integer[]::new)
                .add(j -> j.queueKey, OffsetDateTime[]::new)
                .add(j -> j.nextRunAt, OffsetDateTime[]::new)
                .add(j -> j.leaseOwner, String[]::new)
                .add(j -> j.leaseToken, UUID[]::new)
                .add(j -> j.leaseExpiresAt, OffsetDateTime[]::new)
                .add(j -> j.cancelRequested, Boolean[]::new)
                .add(j -> j.progress, Integer[]::new)
                .add(j -> j.resultUrl, String[]::new)
                .add(j -> j.error, String[]::new)
                .add(j -> j.providerName, String[]::new)
                .add(j -> j.providerJobId, String[]::new)
                .add(j -> j.providerCost == null ? null : j.providerCost.toPlainString(), String[]::new)
                .add(j -> j.sagaRequestedAt, OffsetDateTime[]::new)
                .add(j -> j.queuedAt, OffsetDateTime[]::new)
                .add(j -> j.startedAt, OffsetDateTime[]::new)
                .add(j -> j.finishedAt, OffsetDateTime[]::new)
                .add(j -> j.deletedAt, OffsetDateTime[]::new)
                .add(j -> j.price, Long[]::new)
                .add(j -> j.captured, Long[]::new)
                .add(j -> j.availableAfter, Long[]::new)
                .tuple();
        Uni<?> update = client.preparedQuery(SAVE).execute(columns);
        return Pipelined.inOrder(update, appendHistory(client, dirty));
    }

    /** Inserts a new job's first history entries (the row itself comes from {@link #insert}). */
    public Uni<Void> appendHistory(SqlClient client, Collection<Job> jobs) {
        List<HistoryEntry> entries = new ArrayList<>();
        jobs.forEach(job -> entries.addAll(job.pendingHistory()));
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery(APPEND_HISTORY).execute(Columns.of(entries)
                        .add(HistoryEntry::jobId, UUID[]::new)
                        .add(e -> e.status().name(), String[]::new)
                        .add(HistoryEntry::progress, Integer[]::new)
                        .add(HistoryEntry::detail, String[]::new)
                        .tuple())
                .invoke(() -> jobs.forEach(job -> job.pendingHistory().clear()))
                .replaceWithVoid();
    }

    public record HistoryRow(long id, JobStatus status, int progress, String detail, OffsetDateTime at) {
    }

    public Uni<Map<UUID, Long>> latestHistoryIds(SqlClient client, Collection<UUID> jobIds) {
        return client.preparedQuery(LATEST_HISTORY).execute(Tuple.of(jobIds.toArray(UUID[]::new))).map(rows -> {
            Map<UUID, Long> latest = new HashMap<>();
            rows.forEach(row -> {
                Long last = row.getLong("last");
                if (last != null) {
                    latest.put(row.getUUID("job_id"), last);
                }
            });
            return latest;
        });
    }

    public Uni<List<HistoryRow>> historyAfter(SqlClient client, UUID jobId, long afterId) {
        return client.preparedQuery(HISTORY).execute(Tuple.of(jobId, afterId)).map(rows -> {
            List<HistoryRow> list = new ArrayList<>();
            rows.forEach(row -> list.add(new HistoryRow(row.getLong("id"), JobStatus.valueOf(row.getString("status")),
                    row.getInteger("progress"), row.getString("detail"), row.getOffsetDateTime("at"))));
            return list;
        });
    }

    /** A runnable job and how many jobs its owner is running right now. */
    public record Candidate(Job job, int ownerRunning) {
    }

    public Uni<List<Candidate>> claimCandidates(SqlClient client, List<String> types, int maxRunningPerUser,
                                                int window) {
        return client.preparedQuery(CLAIM_CANDIDATES)
                .execute(Tuple.of(types.toArray(String[]::new), maxRunningPerUser, window))
                .map(rows -> {
                    List<Candidate> list = new ArrayList<>();
                    rows.forEach(row -> list.add(new Candidate(fromRow(row), row.getInteger("running"))));
                    return list;
                });
    }

    public Uni<List<Job>> lockExpiredLeases(SqlClient client, int limit) {
        return client.preparedQuery(EXPIRED_LEASES).execute(Tuple.of(limit)).map(JobRepository::all);
    }

    public Uni<List<Job>> lockSagaWaiting(SqlClient client, Duration timeout, int limit) {
        return client.preparedQuery(SAGA_WAITING).execute(Tuple.of(timeout.toMillis() / 1000.0, limit))
                .map(JobRepository::all);
    }

    /** See {@link #ADVANCE_CLOCKS}; returns each user's first virtual time for this batch. */
    public Uni<Map<String, OffsetDateTime>> advanceQueueClocks(SqlClient client, Map<String, Integer> jobsPerUser,
                                                               Duration spacing) {
        if (jobsPerUser.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<String> users = new ArrayList<>(jobsPerUser.keySet());
        double spacingSeconds = spacing.toMillis() / 1000.0;
        return client.preparedQuery(ADVANCE_CLOCKS).execute(Tuple.of(users.toArray(String[]::new),
                        users.stream().map(jobsPerUser::get).toArray(Integer[]::new), spacingSeconds))
                .map(rows -> {
                    Map<String, OffsetDateTime> first = new HashMap<>();
                    rows.forEach(row -> {
                        String user = row.getString("user_id");
                        long back = (long) ((jobsPerUser.get(user) - 1) * spacing.toMillis());
                        first.put(user, row.getOffsetDateTime("virtual_at").minus(Duration.ofMillis(back)));
                    });
                    return first;
                });
    }

    public record StatusStats(JobStatus status, long jobs, long creditsSpent, long creditsRefunded, long creditsHeld) {
    }

    public Uni<List<StatusStats>> stats(SqlClient client, String userId) {
        return client.preparedQuery(STATS).execute(Tuple.of(userId)).map(rows -> {
            List<StatusStats> list = new ArrayList<>();
            rows.forEach(row -> list.add(new StatusStats(JobStatus.valueOf(row.getString("status")),
                    row.getLong("jobs"), row.getLong("spent"), row.getLong("refunded"), row.getLong("held"))));
            return list;
        });
    }

    public record QueueTimings(Double oldestQueuedSeconds, Double averageWaitSeconds, Double averageRunSeconds,
                               long completedLastHour) {
    }

    public record WorkerLeases(String worker, long running, OffsetDateTime nextExpiry, long lapsed) {
    }

    public record Lease(UUID jobId, String userId, String type, String worker, int attempts, int progress,
                        OffsetDateTime startedAt, OffsetDateTime expiresAt) {
    }

    public Uni<List<WorkerLeases>> workerLeases(SqlClient client) {
        return client.query(WORKER_LEASES).execute().map(rows -> {
            List<WorkerLeases> workers = new ArrayList<>();
            rows.forEach(row -> workers.add(new WorkerLeases(row.getString("worker"), row.getLong("running"),
                    row.getOffsetDateTime("next_expiry"), row.getLong("lapsed"))));
            return workers;
        });
    }

    public Uni<List<Lease>> soonestLeases(SqlClient client, int limit) {
        return client.preparedQuery(SOONEST_LEASES).execute(Tuple.of(limit)).map(rows -> {
            List<Lease> leases = new ArrayList<>();
            rows.forEach(row -> leases.add(new Lease(row.getUUID("id"), row.getString("user_id"),
                    row.getString("type"), row.getString("lease_owner"), row.getInteger("attempts"),
                    row.getInteger("progress"), row.getOffsetDateTime("started_at"),
                    row.getOffsetDateTime("lease_expires_at"))));
            return leases;
        });
    }

    /** One minute of the last hour: jobs completed in it, and jobs that ended otherwise (failed, cancelled). */
    public record FinishedInMinute(OffsetDateTime minute, long completed, long other) {
    }

    public Uni<List<FinishedInMinute>> finishedPerMinute(SqlClient client) {
        return client.query(FINISHED_PER_MINUTE).execute().map(rows -> {
            List<FinishedInMinute> minutes = new ArrayList<>();
            rows.forEach(row -> minutes.add(new FinishedInMinute(row.getOffsetDateTime("minute"),
                    row.getLong("completed"), row.getLong("other"))));
            return minutes;
        });
    }

    public Uni<Map<JobStatus, Long>> countsByStatus(SqlClient client) {
        return client.query(QUEUE_COUNTS).execute().map(rows -> {
            Map<JobStatus, Long> counts = new java.util.EnumMap<>(JobStatus.class);
            rows.forEach(row -> counts.put(JobStatus.valueOf(row.getString("status")), row.getLong("jobs")));
            return counts;
        });
    }

    public Uni<QueueTimings> queueTimings(SqlClient client) {
        return client.query(QUEUE_TIMINGS).execute().map(rows -> {
            Row row = rows.iterator().next();
            BigDecimal oldest = row.getBigDecimal("oldest_queued_s");
            BigDecimal wait = row.getBigDecimal("avg_wait_s");
            BigDecimal run = row.getBigDecimal("avg_run_s");
            return new QueueTimings(oldest == null ? null : Math.max(0, oldest.doubleValue()),
                    wait == null ? null : wait.doubleValue(), run == null ? null : run.doubleValue(),
                    row.getLong("completed_last_hour"));
        });
    }

    // --- Row mapping ---------------------------------------------------------------------------------------

    private static Optional<Job> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(fromRow(it.next())) : Optional.empty();
    }

    private static List<Job> all(RowSet<Row> rows) {
        List<Job> jobs = new ArrayList<>();
        rows.forEach(row -> jobs.add(fromRow(row)));
        return jobs;
    }

    static Job fromRow(Row row) {
        Job job = new Job(row.getUUID("id"), row.getString("user_id"), row.getString("type"), row.getString("prompt"),
                row.getString("image_url"), row.getInteger("duration_seconds"), row.getString("resolution"),
                row.getString("aspect_ratio"), row.getString("quality"), row.getString("model"), row.getLong("cost"),
                row.getInteger("priority"), row.getInteger("max_attempts"), row.getOffsetDateTime("created_at"),
                row.getString("trace_parent"), row.getOffsetDateTime("hold_expires_at"), metadataOf(row));
        job.status = JobStatus.valueOf(row.getString("status"));
        job.chargeStatus = ChargeStatus.fromDb(row.getString("charge_status"));
        job.rejectionReason = row.getString("rejection_reason");
        job.attempts = row.getInteger("attempts");
        job.queueKey = row.getOffsetDateTime("queue_key");
        job.nextRunAt = row.getOffsetDateTime("next_run_at");
        job.leaseOwner = row.getString("lease_owner");
        job.leaseToken = row.getUUID("lease_token");
        job.leaseExpiresAt = row.getOffsetDateTime("lease_expires_at");
        job.cancelRequested = row.getBoolean("cancel_requested");
        job.progress = row.getInteger("progress");
        job.resultUrl = row.getString("result_url");
        job.error = row.getString("error");
        job.providerName = row.getString("provider_name");
        job.providerJobId = row.getString("provider_job_id");
        job.providerCost = row.getBigDecimal("provider_cost");
        job.sagaRequestedAt = row.getOffsetDateTime("saga_requested_at");
        job.queuedAt = row.getOffsetDateTime("queued_at");
        job.startedAt = row.getOffsetDateTime("started_at");
        job.finishedAt = row.getOffsetDateTime("finished_at");
        job.deletedAt = row.getOffsetDateTime("deleted_at");
        job.updatedAt = row.getOffsetDateTime("updated_at");
        job.price = row.getLong("price");
        job.captured = row.getLong("captured");
        job.availableAfter = row.getLong("available_after");
        return job;
    }

    private static SortedMap<String, String> metadataOf(Row row) {
        JsonObject metadata = row.getJsonObject("metadata");
        if (metadata == null) {
            return null;
        }
        SortedMap<String, String> labels = new TreeMap<>();
        metadata.forEach(entry -> labels.put(entry.getKey(), String.valueOf(entry.getValue())));
        return Collections.unmodifiableSortedMap(labels);
    }

    private static String quoted(List<String> values) {
        return String.join(", ", values.stream().map(v -> "'" + v + "'").toList());
    }

    private static String prefixed(String prefix) {
        return prefix + COLUMNS.replace("\n", " ").replace(", ", ", " + prefix);
    }
}
