package io.tally.bench.scenarios;

import io.tally.bench.BenchContext;
import io.tally.bench.Http;
import io.tally.bench.LoadGenerator;
import io.tally.bench.LoadResult;
import io.tally.bench.Scenario;
import io.tally.bench.ScenarioResult;
import io.tally.bench.StackCpu;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Job submission through the real saga: {@code POST /jobs} → PENDING → JobRequested → credits holds the price →
 * CreditsHeld → QUEUED. Phase 1 submits open-loop at {@code --rate} (default 500/s) and measures each job's
 * time from the intended send until its {@code queuedAt}; phase 2 submits closed-loop as fast as the stack
 * goes and measures the rate at which jobs reach QUEUED. Targets (BRIEF §9): p99 ≤ 100 ms at 500/s; ≥ 2,000/s.
 */
public final class JobsSubmitScenario implements Scenario {

    @Override
    public String name() {
        return "jobs-submit";
    }

    @Override
    public String description() {
        return "POST /jobs until QUEUED through the saga: p99 at 500/s (≤ 100 ms) and sustained rate (≥ 2,000/s)";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        Duration duration = context.duration(Duration.ofSeconds(20));
        int rate = context.intOption("rate", 500);
        int concurrency = context.intOption("concurrency", 64);
        JobsBench bench = new JobsBench(context, context.intOption("users", 5_000));
        Http.Transport transport = Http.Transport.of(context.option("http", "1.1"));
        try (Http http = new Http(concurrency, transport)) {
            bench.fund(http);
            Map<String, Instant> sent = new ConcurrentHashMap<>();
            Supplier<CompletionStage<?>> submit = () -> {
                Instant at = Instant.now();
                return bench.submit(http).thenAccept(id -> sent.put(id, at));
            };
            LoadGenerator.openLoop(rate, Duration.ofSeconds(context.intOption("warmup", 10)), http.eventLoop(), submit);
            awaitSettled(bench, http, sent.keySet());
            sent.clear();

            LoadResult open = LoadGenerator.openLoop(rate, duration, http.eventLoop(), submit);
            Map<String, Instant> settled = awaitSettled(bench, http, sent.keySet());
            Histogram toQueued = new Histogram(3);
            sent.forEach((id, at) -> {
                Instant queued = settled.get(id);
                if (queued != null && queued.isAfter(Instant.EPOCH)) {
                    toQueued.recordValue(Math.max(1, Duration.between(at, queued).toNanos() / 1000));
                }
            });
            System.out.printf("phase 1: %d jobs at %d/s, POST p99 %.1f ms, submit→QUEUED p50 %.1f ms p99 %.1f ms%n",
                    open.completed(), rate, open.percentileMillis(99), toQueued.getValueAtPercentile(50) / 1000.0,
                    toQueued.getValueAtPercentile(99) / 1000.0);

            sent.clear();
            // Phase 2's cost: at capacity, from the first POST until the saga has queued the last job (the window
            // closes when the stack is quiet, before the harness polls for what it needs to time the phase).
            StackCpu.Window window = StackCpu.of(context).start();
            Instant phase2 = Instant.now();
            LoadResult closed = LoadGenerator.closedLoop(concurrency, duration, submit);
            StackCpu.Cost cost = window.stopWhenQuiet();
            Map<String, Instant> settled2 = awaitSettled(bench, http, sent.keySet());
            Instant lastQueued = sent.keySet().stream().map(settled2::get).filter(i -> i != null)
                    .max(Instant::compareTo).orElse(Instant.now());
            double sustained = sent.size() / (Duration.between(phase2, lastQueued).toMillis() / 1000.0);
            System.out.printf("phase 2: %d jobs submitted closed-loop (%d clients) at %.0f/s; all QUEUED at %.0f/s%n",
                    closed.completed(), concurrency, closed.throughputPerSecond(), sustained);

            return cost.addTo(new ScenarioResult(name(), sustained, toQueued.getValueAtPercentile(50) / 1000.0,
                    toQueued.getValueAtPercentile(99) / 1000.0, open.errors() + closed.errors(), Map.of()), sent.size())
                    .with("rate_per_s", rate)
                    .with("http", transport.label())
                    .with("jobs_phase1", toQueued.getTotalCount())
                    .with("post_p99_ms", open.percentileMillis(99))
                    .with("submitted_per_s", closed.throughputPerSecond())
                    .with("jobs_phase2", sent.size())
                    .with("target_p99_ms", 100)
                    .with("target_per_s", 2000);
        }
    }

    /** Waits (up to 2 min) until every submitted job has left PENDING. */
    private static Map<String, Instant> awaitSettled(JobsBench bench, Http http, java.util.Set<String> ids) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        Map<String, Instant> settled = bench.settledJobs(http);
        while (!settled.keySet().containsAll(ids) && System.nanoTime() < deadline) {
            settled = bench.settledJobs(http);
        }
        return settled;
    }
}
