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

        void callTook(long beganNanos) {
            latency.recordValue(Math.max(1, (System.nanoTime() - beganNanos) / 1000));
        }
    }

    /** The worker fleet: {@code workers} loops claiming and completing until the queue is empty. */
    private record Drain(Http http, JobsBench bench, String token, int workers, String report, JsonObject claim) {

        Drained run() {
            Drained drained = new Drained(new AtomicLong(), new AtomicLong(), new ConcurrentHistogram(3));
            List<CompletableFuture<Void>> loops = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                loops.add(report.equals("batch") ? claimNext().thenCompose(claimed -> reportLoop(claimed, drained))
                        : completeEachLoop(drained));
            }
            CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).join();
            return drained;
        }

        private CompletableFuture<JsonArray> claimNext() {
            return http.post(bench.jobsUrl + "/worker/jobs/claim", token, claim).toCompletableFuture()
                    .thenApply(response -> response.bodyAsJsonObject().getJsonArray("jobs"));
        }

        /** {@code --report=batch}: completes each batch in the reports call that claims the next. */
        private CompletableFuture<Void> reportLoop(JsonArray claimed, Drained drained) {
            if (claimed == null || claimed.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            JsonObject complete = new JsonObject();
            for (int i = 0; i < claimed.size(); i++) {
                JsonObject job = claimed.getJsonObject(i);
                complete.put(idOf(job), completionOf(job));
            }
            long began = System.nanoTime();
            return http.post(bench.jobsUrl + "/worker/jobs/reports", token,
                            new JsonObject().put("complete", complete).put("claim", claim))
                    .toCompletableFuture().handle((response, failure) -> {
                        drained.callTook(began);
                        return failure == null ? response.bodyAsJsonObject() : null;
                    }).thenCompose(answer -> {
                        if (answer == null) { // a refused call: this worker stops, its leases run out
                            drained.errors().addAndGet(claimed.size());
                            return CompletableFuture.completedFuture(null);
                        }
                        answer.getJsonObject("complete").forEach(outcome ->
                                ("COMPLETED".equals(((JsonObject) outcome.getValue()).getString("status"))
                                        ? drained.completed() : drained.errors()).incrementAndGet());
                        return reportLoop(answer.getJsonArray("jobs"), drained);
                    });
        }

        /** {@code --report=each}: claims a batch, completes every job with its own call, until a claim is empty. */
        private CompletableFuture<Void> completeEachLoop(Drained drained) {
            return claimNext().thenCompose(claimed -> {
                if (claimed.isEmpty()) {
                    return CompletableFuture.completedFuture(null);
                }
                List<CompletableFuture<?>> completions = new ArrayList<>();
                for (int i = 0; i < claimed.size(); i++) {
                    JsonObject job = claimed.getJsonObject(i);
                    long began = System.nanoTime();
                    completions.add(http.post(bench.jobsUrl + "/worker/jobs/" + idOf(job) + "/complete", token,
                            completionOf(job)).toCompletableFuture().whenComplete((ok, failure) -> {
                                drained.callTook(began);
                                (failure == null ? drained.completed() : drained.errors()).incrementAndGet();
                            }));
                }
                return CompletableFuture.allOf(completions.toArray(CompletableFuture[]::new)).handle((v, e) -> null)
                        .thenCompose(v -> completeEachLoop(drained));
            });
        }

        private static String idOf(JsonObject claimed) {
            return claimed.getJsonObject("job").getString("id");
        }

        /** A claimed job's completion: its lease token and a result URL. */
        private static JsonObject completionOf(JsonObject claimed) {
            return new JsonObject().put("leaseToken", claimed.getString("leaseToken"))
                    .put("resultUrl", "https://cdn.example.com/bench/" + idOf(claimed) + ".mp4");
        }
    }

    private static long queued(Http http, JobsBench bench, String adminToken) {
        JsonObject report = http.get(bench.jobsUrl + "/jobs/admin/queue", adminToken).toCompletableFuture().join()
                .bodyAsJsonObject();
        JsonObject counts = report.getJsonObject("jobsByStatus");
        return counts.getLong("QUEUED") + counts.getLong("RETRYING");
    }
}
