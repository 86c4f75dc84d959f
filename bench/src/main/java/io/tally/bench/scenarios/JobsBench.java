package io.tally.bench.scenarios;

import io.tally.bench.BenchContext;
import io.tally.bench.Http;
import io.tally.bench.Tokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/** What the jobs scenarios share: a funded user population, a submit call, and reading jobs back. */
final class JobsBench {

    final String jobsUrl;
    final String creditsUrl;
    final String run = UUID.randomUUID().toString().substring(0, 8);
    final List<String> users = new ArrayList<>();
    final Map<String, String> tokens = new HashMap<>();
    final Tokens.Signer signer;

    JobsBench(BenchContext context, int userCount) throws Exception {
        this.jobsUrl = context.env().getOrDefault("TALLY_JOBS_URL", "http://127.0.0.1:8082");
        this.creditsUrl = context.env().getOrDefault("TALLY_CREDITS_URL", "http://127.0.0.1:8081");
        this.signer = Tokens.signer(context);
        for (int i = 0; i < userCount; i++) {
            String user = "bench-jobs-" + run + "-" + i;
            users.add(user);
            tokens.put(user, signer.issue(user, "user"));
        }
    }

    /** Opens every user's account with plenty of credits, so no job is rejected. */
    void fund(Http http) {
        CreditsFunding.fund(http, creditsUrl, signer.issue("bench-admin", "admin"), users, 1_000_000L);
    }

    String randomUser() {
        return users.get(ThreadLocalRandom.current().nextInt(users.size()));
    }

    /**
     * Submits a 15-credit video job for a random user, as if from its own client address (behind the gateway),
     * and completes with the new job's id.
     */
    CompletionStage<String> submit(Http http) {
        String user = randomUser();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Map<String, String> headers = Map.of("Idempotency-Key", UUID.randomUUID().toString(),
                "X-Forwarded-For", "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255));
        JsonObject body = new JsonObject().put("type", "text_to_video").put("prompt", "bench: a calm sea at dawn")
                .put("durationSeconds", 5).put("resolution", "1080p").put("quality", "high");
        return http.post(jobsUrl + "/jobs", tokens.get(user), headers, body)
                .thenApply(response -> response.bodyAsJsonObject().getString("id"));
    }

    /** Submits {@code count} jobs with {@code parallel} requests in flight, and waits for the 202s. */
    void submitMany(Http http, int count, int parallel) {
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(count);
        List<CompletableFuture<Void>> callers = new ArrayList<>();
        for (int i = 0; i < parallel; i++) {
            callers.add(submitWhileLeft(http, left));
        }
        CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).join();
        System.out.printf("submitted %d jobs%n", count);
    }

    private CompletableFuture<Void> submitWhileLeft(Http http, java.util.concurrent.atomic.AtomicInteger left) {
        if (left.getAndDecrement() <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        return submit(http).toCompletableFuture().thenCompose(id -> submitWhileLeft(http, left));
    }

    /** Every job of the run's users that is no longer PENDING: id → queuedAt (null when it was not queued). */
    Map<String, Instant> settledJobs(Http http) {
        Map<String, Instant> settled = new java.util.concurrent.ConcurrentHashMap<>();
        Http.inWaves(users, 32, user -> readAll(http, user, null, settled));
        return settled;
    }

    private CompletableFuture<Void> readAll(Http http, String user, String cursor, Map<String, Instant> into) {
        String url = jobsUrl + "/jobs?limit=100" + (cursor == null ? "" : "&cursor=" + cursor);
        return http.get(url, tokens.get(user)).toCompletableFuture().thenCompose(response -> {
            JsonObject page = response.bodyAsJsonObject();
            JsonArray jobs = page.getJsonArray("jobs");
            for (int i = 0; i < jobs.size(); i++) {
                JsonObject job = jobs.getJsonObject(i);
                if (!"PENDING".equals(job.getString("status"))) {
                    String queuedAt = job.getString("queuedAt");
                    into.put(job.getString("id"), queuedAt == null ? Instant.EPOCH
                            : OffsetDateTime.parse(queuedAt).toInstant());
                }
            }
            String next = page.getString("nextCursor");
            return next == null ? CompletableFuture.completedFuture(null) : readAll(http, user, next, into);
        });
    }
}
