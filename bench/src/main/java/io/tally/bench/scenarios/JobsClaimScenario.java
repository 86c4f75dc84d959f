package io.tally.bench.scenarios;

import io.tally.bench.BenchContext;
import io.tally.bench.Http;
import io.tally.bench.Scenario;
import io.tally.bench.ScenarioResult;
import io.tally.bench.StackCpu;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * The worker side: a queue of {@code --jobs} charged jobs (default 20,000) is drained by {@code --workers}
 * (default 16) worker loops, each claiming {@code --batch} jobs (default 50) and completing them: with
 * {@code --report=batch} (the default) in one reports call that also claims the next batch, with
 * {@code --report=each} one {@code complete} call per job. A first drain of {@code --warmup} jobs (default 5,000)
 * warms the paths and is not measured. Reports claim+complete throughput, then has
 * graphile-worker drain as many no-op jobs on the same PostgreSQL ({@link GraphileWorkerPeer}) and reports the two
 * side by side. Targets: ≥ 5,000 jobs/s (BRIEF §9) and, weather-proof, ≥ 0.35× the peer in the same run.
 */
public final class JobsClaimScenario implements Scenario {

    @Override
    public String name() {
        return "jobs-claim";
    }

    @Override
    public String description() {
        return "workers claim (batched) and complete queued jobs, beside graphile-worker (target ≥ 5,000/s, ≥ 0.35× peer)";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        int jobs = context.intOption("jobs", 20_000);
        int workers = context.intOption("workers", 16);
        int batch = context.intOption("batch", 50);
        int warmup = context.intOption("warmup", 5_000);
        String report = context.option("report", "batch");
        if (!report.equals("batch") && !report.equals("each")) {
            throw new IllegalArgumentException("--report is batch or each, not " + report);
        }
        JobsBench bench = new JobsBench(context, context.intOption("users", 5_000));
        String workerToken = bench.signer.issue("bench-worker", "worker");
        String adminToken = bench.signer.issue("bench-admin", "admin");
        Http.Transport transport = Http.Transport.of(context.option("http", "1.1"));
        try (Http http = new Http(64, transport)) {
            bench.fund(http);
            Drain drain = new Drain(http, bench, workerToken, workers, report,
                    new JsonObject().put("limit", batch).put("leaseSeconds", 120).put("waitSeconds", 0));
            // The claim, report and capture paths run cold until the JIT has compiled them (up to half of the
            // services' CPU in a first drain): a first drain warms them, unmeasured, as the credits benches' warm-up does.
            if (warmup > 0) {
                queue(http, bench, adminToken, warmup);
                System.out.printf("warm-up: drained %d jobs%n", drain.run().completed().get());
            }
            long waiting = queue(http, bench, adminToken, jobs);
            System.out.printf("%d jobs queued; draining with %d workers claiming %d at a time, reporting %s%n",
                    waiting, workers, batch, report.equals("batch") ? "a batch per call" : "each job alone");

            StackCpu.Window window = StackCpu.of(context).start();
            long start = System.nanoTime();
            Drained drained = drain.run();
            double seconds = (System.nanoTime() - start) / 1e9;
            AtomicLong completed = drained.completed();
            AtomicLong errors = drained.errors();
            ConcurrentHistogram completeLatency = drained.latency();
            // Until the stack is quiet again: each completion's capture runs in credits-service through the saga.
            StackCpu.Cost cost = window.stopWhenQuiet();
            double throughput = completed.get() / seconds;
            System.out.printf("claimed and completed %d jobs in %.1f s%n", completed.get(), seconds);
            GraphileWorkerPeer.Result peer = GraphileWorkerPeer.drain(context, (int) completed.get());
            System.out.printf("peer: graphile-worker drained %d no-op jobs at %.0f/s, %.0f µs of CPU each; "
                    + "Tally ÷ peer = %.2f%n", peer.jobs(), peer.perSecond(), peer.cpuMicrosPerJob(),
                    throughput / peer.perSecond());
            return cost.addTo(new ScenarioResult(name(), throughput, completeLatency.getValueAtPercentile(50) / 1000.0,
                    completeLatency.getValueAtPercentile(99) / 1000.0, errors.get(), Map.of()), completed.get())
                    .with("peer", GraphileWorkerPeer.NAME)
                    .with("peer_per_s", peer.perSecond())
                    .with("peer_cpu_us_per_op", Math.round(peer.cpuMicrosPerJob() * 10) / 10.0)
                    .with("ratio", throughput / peer.perSecond())
                    .with("target_ratio", 0.35)
                    .with("jobs", completed.get())
                    .with("workers", workers)
                    .with("claim_batch", batch)
                    .with("warmup_jobs", warmup)
                    .with("report", report)
                    .with("http", transport.label())
                    .with("target_per_s", 5000);
        }
    }

    /** Submits {@code count} jobs and waits (up to 2 minutes) until the saga has queued them; returns how many wait. */
    private static long queue(Http http, JobsBench bench, String adminToken, int count) throws InterruptedException {
        bench.submitMany(http, count, 64);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (queued(http, bench, adminToken) < count && System.nanoTime() < deadline) {
            Thread.sleep(500); // the harness polling the admin endpoint while the saga catches up
        }
        return queued(http, bench, adminToken);
    }

    /** What a drain did: jobs completed, reports refused, and the latency of each report call. */
    private record Drained(AtomicLong completed, AtomicLong errors, ConcurrentHistogram latency) {
    }

    /** The worker fleet: {@code workers} loops claiming and completing until the queue is empty. */
    private record Drain(Http http, JobsBench bench, String token, int workers, String report, JsonObject claim) {

        Drained run() {
            Drained drained = new Drained(new AtomicLong(), new AtomicLong(), new ConcurrentHistogram(3));
            List<CompletableFuture<Void>> loops = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                loops.add(report.equals("batch")
                        ? claimThenReport(http, bench, token, claim, drained.completed(), drained.errors(),
                                drained.latency())
                        : workerLoop(http, bench, token, claim, drained.completed(), drained.errors(),
                                drained.latency()));
            }
            CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
            return drained;
        }
    }

    /** {@code --report=batch}: claims once, then completes each batch in the reports call that claims the next. */
    private static CompletableFuture<Void> claimThenReport(Http http, JobsBench bench, String token, JsonObject claim,
                                                           AtomicLong completed, AtomicLong errors,
                                                           ConcurrentHistogram latency) {
        return http.post(bench.jobsUrl + "/worker/jobs/claim", token, claim).toCompletableFuture()
                .thenCompose(response -> reportLoop(http, bench, token, claim,
                        response.bodyAsJsonObject().getJsonArray("jobs"), completed, errors, latency));
    }

    private static CompletableFuture<Void> reportLoop(Http http, JobsBench bench, String token, JsonObject claim,
                                                      JsonArray claimed, AtomicLong completed, AtomicLong errors,
                                                      ConcurrentHistogram latency) {
        if (claimed == null || claimed.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        JsonObject complete = new JsonObject();
        for (int i = 0; i < claimed.size(); i++) {
            JsonObject job = claimed.getJsonObject(i);
            String id = job.getJsonObject("job").getString("id");
            complete.put(id, new JsonObject().put("leaseToken", job.getString("leaseToken"))
                    .put("resultUrl", "https://cdn.example.com/bench/" + id + ".mp4"));
        }
        long began = System.nanoTime();
        return http.post(bench.jobsUrl + "/worker/jobs/reports", token,
                        new JsonObject().put("complete", complete).put("claim", claim))
                .toCompletableFuture().handle((response, failure) -> {
                    latency.recordValue(Math.max(1, (System.nanoTime() - began) / 1000));
                    return failure == null ? response.bodyAsJsonObject() : null;
                }).thenCompose(answer -> {
                    if (answer == null) { // a refused call: this worker stops, its leases run out
                        errors.addAndGet(claimed.size());
                        return CompletableFuture.completedFuture(null);
                    }
                    answer.getJsonObject("complete").forEach(outcome ->
                            ("COMPLETED".equals(((JsonObject) outcome.getValue()).getString("status"))
                                    ? completed : errors).incrementAndGet());
                    return reportLoop(http, bench, token, claim, answer.getJsonArray("jobs"), completed, errors,
                            latency);
                });
    }

    /** {@code --report=each}: claims a batch, completes every job with its own call, repeats until a claim is empty. */
    private static CompletableFuture<Void> workerLoop(Http http, JobsBench bench, String token, JsonObject claim,
                                                      AtomicLong completed, AtomicLong errors,
                                                      ConcurrentHistogram latency) {
        return http.post(bench.jobsUrl + "/worker/jobs/claim", token, claim).toCompletableFuture()
                .thenCompose(response -> {
                    JsonArray claimed = response.bodyAsJsonObject().getJsonArray("jobs");
                    if (claimed.isEmpty()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    List<CompletableFuture<?>> completions = new ArrayList<>();
                    for (int i = 0; i < claimed.size(); i++) {
                        JsonObject job = claimed.getJsonObject(i);
                        String id = job.getJsonObject("job").getString("id");
                        JsonObject done = new JsonObject().put("leaseToken", job.getString("leaseToken"))
                                .put("resultUrl", "https://cdn.example.com/bench/" + id + ".mp4");
                        long began = System.nanoTime();
                        completions.add(http.post(bench.jobsUrl + "/worker/jobs/" + id + "/complete", token, done)
                                .toCompletableFuture().whenComplete((ok, failure) -> {
                                    latency.recordValue(Math.max(1, (System.nanoTime() - began) / 1000));
                                    (failure == null ? completed : errors).incrementAndGet();
                                }));
                    }
                    return CompletableFuture.allOf(completions.toArray(CompletableFuture[]::new)).handle((v, e) -> null)
                            .thenCompose(v -> workerLoop(http, bench, token, claim, completed, errors, latency));
                });
    }

    private static long queued(Http http, JobsBench bench, String adminToken) {
        JsonObject report = http.get(bench.jobsUrl + "/jobs/admin/queue", adminToken).toCompletableFuture().join()
                .bodyAsJsonObject();
        JsonObject counts = report.getJsonObject("jobsByStatus");
        return counts.getLong("QUEUED") + counts.getLong("RETRYING");
    }
}
