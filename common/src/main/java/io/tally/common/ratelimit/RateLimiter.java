package io.tally.common.ratelimit;

import io.smallrye.mutiny.Uni;
import io.tally.common.problem.Problem;
import io.tally.common.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fixed-window limiter shared by every replica through one table. Windows are aligned to multiples of their
 * own length since the epoch (a 60 s window starts on the minute, a 10 s window every 10 s), and the count
 * is incremented atomically by an upsert, so N concurrent replicas let exactly {@code limit} hits through.
 */
@ApplicationScoped
public class RateLimiter {

    /**
     * Counts a batch's hits: one row per distinct bucket, raised by how often the batch names it. Buckets are
     * upserted in sorted order so that batches hitting the same buckets inside their transactions never deadlock.
     */
    private static final String HIT_ALL = """
            WITH w AS (SELECT to_timestamp(floor(extract(epoch FROM now()) / $2) * $2) AS window_start),
                 b AS (SELECT bucket, count(*)::int AS n FROM unnest($1::text[]) AS t(bucket) GROUP BY bucket)
            INSERT INTO rate_limit_windows AS r (bucket, window_start, hits, expires_at)
            SELECT b.bucket, w.window_start, b.n, w.window_start + make_interval(secs => $2) FROM b CROSS JOIN w
             ORDER BY b.bucket
            ON CONFLICT (bucket, window_start) DO UPDATE SET hits = r.hits + excluded.hits
            RETURNING bucket, hits, greatest(1, ceil(extract(epoch FROM expires_at - now())))::bigint AS reset_seconds
            """;

    private static final String PRUNE = "DELETE FROM rate_limit_windows WHERE expires_at < now()";

    private final Pool pool;

    public RateLimiter(Pool pool) {
        this.pool = pool;
    }

    /** Counts one hit against {@code bucket} and says whether it is within {@code limit} per {@code window}. */
    public Uni<RateLimitDecision> hit(String bucket, int limit, Duration window) {
        return hitAll(pool, List.of(bucket), limit, window).map(decisions -> decisions.get(0));
    }

    /**
     * Counts one hit per element of {@code buckets} (a bucket may repeat) with one statement on {@code client}, and
     * decides each as if the hits had arrived one after the other in list order. On a transaction's connection the
     * hits commit or roll back with it, and the rows stay locked until then.
     */
    public Uni<List<RateLimitDecision>> hitAll(SqlClient client, List<String> buckets, int limit, Duration window) {
        if (buckets.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        long windowSeconds = Math.max(1, window.toSeconds());
        return client.preparedQuery(HIT_ALL).execute(Tuple.of(buckets.toArray(String[]::new), windowSeconds))
                .map(rows -> {
                    Map<String, Row> counted = new HashMap<>();
                    rows.forEach(row -> counted.put(row.getString("bucket"), row));
                    Map<String, Integer> inBatch = new HashMap<>();
                    buckets.forEach(bucket -> inBatch.merge(bucket, 1, Integer::sum));
                    Map<String, Integer> seen = new HashMap<>();
                    List<RateLimitDecision> decisions = new ArrayList<>(buckets.size());
                    for (String bucket : buckets) {
                        Row row = counted.get(bucket);
                        // The batch's hits on this bucket were the last inBatch of its count; this is the seen-th.
                        int hits = row.getInteger("hits") - inBatch.get(bucket) + seen.merge(bucket, 1, Integer::sum);
                        decisions.add(new RateLimitDecision(hits <= limit, limit, Math.max(0, limit - hits),
                                row.getLong("reset_seconds")));
                    }
                    return decisions;
                });
    }

    /** Like {@link #hit}, but fails with a 429 problem carrying Retry-After and RateLimit-* headers. */
    public Uni<RateLimitDecision> enforce(String bucket, int limit, Duration window) {
        return hit(bucket, limit, window).invoke(decision -> {
            if (!decision.allowed()) {
                throw tooManyRequests(decision);
            }
        });
    }

    public static Map<String, String> headers(RateLimitDecision decision) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("RateLimit-Limit", Integer.toString(decision.limit()));
        headers.put("RateLimit-Remaining", Integer.toString(decision.remaining()));
        headers.put("RateLimit-Reset", Long.toString(decision.resetSeconds()));
        return headers;
    }

    public static ProblemException tooManyRequests(RateLimitDecision decision) {
        Map<String, String> headers = headers(decision);
        headers.put("Retry-After", Long.toString(decision.resetSeconds()));
        return new ProblemException(Problem.of(429, "rate-limited", "Too many requests",
                        "Limit of " + decision.limit() + " reached; retry in " + decision.resetSeconds() + " s")
                .with("retryAfterSeconds", decision.resetSeconds()), headers);
    }

    public Uni<Integer> pruneExpired(SqlClient client) {
        return client.query(PRUNE).execute().map(RowSet::rowCount);
    }
}
