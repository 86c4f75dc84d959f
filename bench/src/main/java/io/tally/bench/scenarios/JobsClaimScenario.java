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
 * (default 16) worker loops, each claiming {@code --batch} jobs (default 50) and completing every one with its
 * own {@code complete} call. Reports claim+complete throughput, then has graphile-worker drain as many no-op jobs
 * on the same PostgreSQL ({@link GraphileWorkerPeer}) and reports the two side by side. Targets: ≥ 5,000 jobs/s
 * (BRIEF §9) and, weather-proof, ≥ 0.35× the peer in the same run.
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
        JobsBench bench = new JobsBench(context, context.intOption("users", 5_000));
        String workerToken = bench.signer.issue("bench-worker", "worker");
        String adminToken = bench.signer.issue("bench-admin", "admin");
        Http.Transport transport = Http.Transport.of(context.option("http", "1.1"));
        try (Http http = new Http(64, transport)) {
            bench.fund(http);
            bench.submitMany(http, jobs, 64);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (queued(http, bench, adminToken) < jobs && System.nanoTime() < deadline) {
                Thread.sleep(500); // the harness polling the admin endpoint while the saga catches up
            }
            long waiting = queued(http, bench, adminToken);
            System.out.printf("%d jobs queued; draining with %d workers claiming %d at a time%n", waiting, workers,
                    batch);

            ConcurrentHistogram completeLatency = new ConcurrentHistogram(3);
            AtomicLong completed = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            StackCpu.Window window = StackCpu.of(context).start();
            long start = System.nanoTime();
            List<CompletableFuture<Void>> loops = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                loops.add(workerLoop(http, bench, workerToken, batch, completed, errors, completeLatency));
            }
            CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
            double seconds = (System.nanoTime() - start) / 1e9;
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
                    .with("http", transport.label())
                    .with("target_per_s", 5000);
        }
    }

    /** Claims a batch, completes all of it concurrently, repeats until a claim comes back empty. */
    private static CompletableFuture<Void> workerLoop(Http http, JobsBench bench, String token, int batch,
                                                      AtomicLong completed, AtomicLong errors,
                                                      ConcurrentHistogram latency) {
        JsonObject claim = new JsonObject().put("limit", batch).put("leaseSeconds", 120).put("waitSeconds", 0);
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
                            .thenCompose(v -> workerLoop(http, bench, token, batch, completed, errors, latency));
                });
    }

    private static long queued(Http http, JobsBench bench, String adminToken) {
        JsonObject report = http.get(bench.jobsUrl + "/jobs/admin/queue", adminToken).toCompletableFuture().join()
                .bodyAsJsonObject();
        JsonObject counts = report.getJsonObject("jobsByStatus");
        return counts.getLong("QUEUED") + counts.getLong("RETRYING");
    }
}
