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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fixed-window limiter shared by every replica through one table. Windows are aligned to multiples of their
 * own length since the epoch (a 60 s window starts on the minute, a 10 s window every 10 s), and the count
 * is incremented atomically by an upsert, so N concurrent replicas let exactly {@code limit} hits through.
 */
@ApplicationScoped
public class RateLimiter {

    private static final String HIT = """
            WITH w AS (SELECT to_timestamp(floor(extract(epoch FROM now()) / $2) * $2) AS window_start)
            INSERT INTO rate_limit_windows (bucket, window_start, hits, expires_at)
            SELECT $1, w.window_start, 1, w.window_start + make_interval(secs => $2) FROM w
            ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_windows.hits + 1
            RETURNING hits, greatest(1, ceil(extract(epoch FROM expires_at - now())))::bigint AS reset_seconds
            """;

    private static final String PRUNE = "DELETE FROM rate_limit_windows WHERE expires_at < now()";

    private final Pool pool;

    public RateLimiter(Pool pool) {
        this.pool = pool;
    }

    /** Counts one hit against {@code bucket} and says whether it is within {@code limit} per {@code window}. */
    public Uni<RateLimitDecision> hit(String bucket, int limit, Duration window) {
        long windowSeconds = Math.max(1, window.toSeconds());
        return pool.preparedQuery(HIT).execute(Tuple.of(bucket, windowSeconds)).map(rows -> {
            Row row = rows.iterator().next();
            int hits = row.getInteger("hits");
            return new RateLimitDecision(hits <= limit, limit, Math.max(0, limit - hits), row.getLong("reset_seconds"));
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
