package io.tally.jobs.job;

import io.smallrye.mutiny.Uni;
import io.tally.common.idempotency.IdempotentRequests;
import io.tally.common.idempotency.StoredResponse;
import io.tally.common.ratelimit.RateLimitDecision;
import io.tally.common.ratelimit.RateLimiter;
import io.tally.jobs.config.JobsConfig;
import io.tally.jobs.pricing.JobSpec;
import io.tally.jobs.pricing.PriceList;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Saga step 1: a submitted job is stored PENDING with its {@code JobRequested} in the outbox, under the caller's
 * Idempotency-Key so a retried POST replays the same job instead of charging twice. Submissions are
 * rate-limited per user and per client IP before anything is written.
 */
@ApplicationScoped
public class JobSubmissions {

    private final JobTransactions transactions;
    private final IdempotentRequests idempotent;
    private final RateLimiter rateLimiter;
    private final PriceList prices;
    private final JobsConfig config;

    public JobSubmissions(JobTransactions transactions, IdempotentRequests idempotent, RateLimiter rateLimiter,
                          PriceList prices, JobsConfig config) {
        this.transactions = transactions;
        this.idempotent = idempotent;
        this.rateLimiter = rateLimiter;
        this.prices = prices;
        this.config = config;
    }

    /** What identifies a submission for the idempotency check: the route and the resolved spec. */
    record Fingerprint(String route, JobSpec spec) {
    }

    public Uni<Response> submit(String userId, String clientIp, String idempotencyKey, JobSpec spec) {
        IdempotentRequests.requireValidKey(idempotencyKey, IdempotentRequests.MAX_KEY_LENGTH);
        long cost = prices.cost(spec);
        JobsConfig.RateLimit limits = config.rateLimit();
        return rateLimiter.enforce("jobs:submit:ip:" + clientIp, limits.perIp(), limits.window())
                .chain(() -> rateLimiter.enforce("jobs:submit:user:" + userId, limits.perUser(), limits.window()))
                .flatMap(decision -> idempotent.execute(userId, idempotencyKey, new Fingerprint("POST /jobs", spec),
                                conn -> store(conn, userId, spec, cost))
                        .map(response -> withRateLimitHeaders(response, decision)));
    }

    private Uni<StoredResponse> store(io.vertx.mutiny.sqlclient.SqlConnection conn, String userId, JobSpec spec,
                                      long cost) {
        Job job = Job.submitted(UUID.randomUUID(), userId, spec, cost, config.maxAttempts(),
                OffsetDateTime.now(ZoneOffset.UTC));
        // A PENDING job is neither runnable nor watched yet, so there is nothing to signal after the commit.
        return transactions.unitOn(conn).insert(job).replaceWith(new StoredResponse(202, job));
    }

    private static Response withRateLimitHeaders(Response response, RateLimitDecision decision) {
        Response.ResponseBuilder builder = Response.fromResponse(response);
        RateLimiter.headers(decision).forEach(builder::header);
        return builder.build();
    }
}
