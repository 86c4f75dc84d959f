package io.tally.jobs.job;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.GroupCommit;
import io.tally.common.db.TimeOrderedUuid;
import io.tally.common.idempotency.IdempotentRequests;
import io.tally.common.idempotency.IdempotentRequests.Call;
import io.tally.common.idempotency.IdempotentRequests.Outcome;
import io.tally.common.idempotency.IdempotentRequests.Prepared;
import io.tally.common.idempotency.StoredResponse;
import io.tally.common.ratelimit.RateLimitDecision;
import io.tally.common.ratelimit.RateLimiter;
import io.tally.common.tracing.EventTracing;
import io.tally.jobs.config.JobsConfig;
import io.tally.jobs.pricing.JobSpec;
import io.tally.jobs.pricing.PriceList;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * Saga step 1: a submitted job is stored PENDING with its {@code JobRequested} in the outbox, under the caller's
 * Idempotency-Key so a retried POST replays the same job instead of charging twice. Submissions are
 * rate-limited per user and per client IP; a refused one writes nothing but its hits.
 *
 * <p>Submissions are group-committed: those that arrive while a batch commits share the next transaction, which
 * counts their rate-limit hits, claims their keys and inserts their jobs, history and events set-wise — about ten
 * statements per batch instead of ten per job. Each submission is still decided as if alone and in arrival order
 * (the limiter counts hits in order; a key named twice is claimed by the first and replayed to the second). A batch
 * the database refuses is retried when the trouble is transient and otherwise split, so one bad submission fails
 * alone.
 */
@ApplicationScoped
public class JobSubmissions {

    private final JobTransactions transactions;
    private final IdempotentRequests idempotent;
    private final RateLimiter rateLimiter;
    private final PriceList prices;
    private final JobsConfig config;
    private final GroupCommit<Submission, Outcome> groupCommit;

    public JobSubmissions(JobTransactions transactions, IdempotentRequests idempotent, RateLimiter rateLimiter,
                          PriceList prices, JobsConfig config) {
        this.transactions = transactions;
        this.idempotent = idempotent;
        this.rateLimiter = rateLimiter;
        this.prices = prices;
        this.config = config;
        this.groupCommit = new GroupCommit<>(GroupCommit.splittingOnFailure(this::storeTogether,
                (submission, failure) -> Outcome.refused(failure instanceof RuntimeException unchecked
                        ? unchecked : new IllegalStateException(failure))),
                config.submissions().batchSize(), config.submissions().concurrentBatches());
    }

    /** What identifies a submission for the idempotency check: the route, the resolved spec and the metadata. */
    record Fingerprint(String route, JobSpec spec, SortedMap<String, String> metadata) {
    }

    /** {@code traceParent}: the submitting request's trace, taken before the submission joins a batch. */
    private record Submission(String userId, String clientIp, String idempotencyKey, JobSpec spec, long cost,
                              SortedMap<String, String> metadata, String traceParent) {
    }

    /** {@code metadata}: the caller's labels, already checked (null when none). */
    public Uni<Response> submit(String userId, String clientIp, String idempotencyKey, JobSpec spec,
                                SortedMap<String, String> metadata) {
        IdempotentRequests.requireValidKey(idempotencyKey, IdempotentRequests.MAX_KEY_LENGTH);
        return groupCommit.submit(new Submission(userId, clientIp, idempotencyKey, spec, prices.cost(spec), metadata,
                        EventTracing.currentParent()))
                .map(Outcome::orThrow);
    }

    private Uni<List<Outcome>> storeTogether(List<Submission> batch) {
        return transactions.write((unit, conn) -> limit(conn, batch)
                .flatMap(decisions -> store(unit, conn, batch, decisions)));
    }

    /**
     * Counts the batch against the per-IP limit, then what got past it against the per-user limit (as when each
     * submission was checked alone), and answers each submission's deciding verdict.
     */
    private Uni<List<RateLimitDecision>> limit(SqlConnection conn, List<Submission> batch) {
        JobsConfig.RateLimit limits = config.rateLimit();
        List<String> addresses = batch.stream().map(s -> "jobs:submit:ip:" + s.clientIp()).toList();
        return rateLimiter.hitAll(conn, addresses, limits.perIp(), limits.window()).flatMap(byIp -> {
            List<Integer> pastIp = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                if (byIp.get(i).allowed()) {
                    pastIp.add(i);
                }
            }
            List<String> users = pastIp.stream().map(i -> "jobs:submit:user:" + batch.get(i).userId()).toList();
            return rateLimiter.hitAll(conn, users, limits.perUser(), limits.window()).map(byUser -> {
                List<RateLimitDecision> decisions = new ArrayList<>(byIp);
                for (int k = 0; k < pastIp.size(); k++) {
                    decisions.set(pastIp.get(k), byUser.get(k));
                }
                return decisions;
            });
        });
    }

    /** Stores the submissions both limits let through; answers every one, with the limiter's headers. */
    private Uni<List<Outcome>> store(JobTransactions.Unit unit, SqlConnection conn, List<Submission> batch,
                                     List<RateLimitDecision> decisions) {
        List<Call<Submission>> allowed = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Submission s = batch.get(i);
            if (decisions.get(i).allowed()) {
                allowed.add(new Call<>(s.userId(), s.idempotencyKey(), new Fingerprint("POST /jobs", s.spec(), s.metadata()), s));
            }
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return idempotent.executeAll(conn, allowed, s -> {
            Job job = Job.submitted(TimeOrderedUuid.next(), s.userId(), s.spec(), s.cost(), config.maxAttempts(), now,
                    s.traceParent(), config.saga().holdLifetime(), s.metadata());
            return new Prepared<>(new StoredResponse(202, job), job);
        }, (c, jobs) -> unit.insert(jobs)).map(stored -> {
            List<Outcome> outcomes = new ArrayList<>(batch.size());
            int next = 0;
            for (RateLimitDecision decision : decisions) {
                outcomes.add(decision.allowed() ? withRateLimitHeaders(stored.get(next++), decision)
                        : Outcome.refused(RateLimiter.tooManyRequests(decision)));
            }
            return outcomes;
        });
    }

    private static Outcome withRateLimitHeaders(Outcome outcome, RateLimitDecision decision) {
        if (outcome.refusal() != null) {
            return outcome;
        }
        Response.ResponseBuilder builder = Response.fromResponse(outcome.response());
        RateLimiter.headers(decision).forEach(builder::header);
        return new Outcome(builder.build(), null);
    }
}
