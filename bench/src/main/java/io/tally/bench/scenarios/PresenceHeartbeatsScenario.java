package io.tally.bench.scenarios;

import io.tally.bench.BenchContext;
import io.tally.bench.Http;
import io.tally.bench.LoadGenerator;
import io.tally.bench.LoadResult;
import io.tally.bench.PgBench;
import io.tally.bench.Psql;
import io.tally.bench.Scenario;
import io.tally.bench.ScenarioResult;
import io.tally.bench.StackCpu;
import io.tally.bench.Timeline;
import io.tally.bench.Tokens;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Heartbeats through the API: {@code --connections} (50,000) joined over {@code --boxes} (1,000), then
 * {@code PUT /boxes/{id}/viewers/{connection}} round-robin over all connections, open loop at {@code --rate}
 * (20,000/s; latency measured from the intended send time). In the same run the naive baseline — one UPSERT per
 * heartbeat into a viewers table, via pgbench at the same concurrency, as fast as it goes — and {@code ratio} =
 * Tally's answered rate ÷ baseline (a lower bound when Tally keeps up with the offered rate). Target (BRIEF §9):
 * ≥ 20,000 heartbeats/s with p99 ≤ 25 ms.
 *
 * <p>{@code --http} is how the heartbeats travel: {@code 2} (the default) multiplexes the {@code --concurrency}
 * requests in flight over a few HTTP/2 connections, as an HTTP/2 proxy or HTTP/2 clients do; {@code 1.1} sends each
 * one as its own round trip on one of {@code --concurrency} keep-alive connections. The service does the same work
 * either way; on this machine the load generator shares the two cores, and every loopback round trip costs both
 * sides system calls (docs/presence.md, "Performance"). {@code --timeline=true} prints the measured phase second by
 * second: heartbeats, how many took over 25 ms, the slowest.
 */
public final class PresenceHeartbeatsScenario implements Scenario {

    private static final Duration TARGET_P99 = Duration.ofMillis(25);

    @Override
    public String name() {
        return "presence-heartbeats";
    }

    @Override
    public String description() {
        return "viewer heartbeats over 50,000 connections in 1,000 boxes vs a per-heartbeat UPSERT baseline "
                + "(target ≥ 20,000/s, p99 ≤ 25 ms)";
    }

    /** One joined connection and the token of its viewer. */
    private record Connection(String box, String id, String token) {
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        String presenceUrl = context.env().getOrDefault("TALLY_PRESENCE_URL", "http://127.0.0.1:8084");
        int connectionCount = context.intOption("connections", 50_000);
        int boxCount = context.intOption("boxes", 1_000);
        int concurrency = context.intOption("concurrency", 64);
        Duration duration = context.duration(Duration.ofSeconds(20));
        Http.Transport transport = Http.Transport.of(context.option("http", "2"));
        Tokens.Signer signer = Tokens.signer(context);
        try (Http http = new Http(concurrency, transport)) {
            List<Connection> connections = join(http, signer, presenceUrl, boxCount, connectionCount);
            AtomicInteger next = new AtomicInteger();
            java.util.function.Supplier<java.util.concurrent.CompletionStage<?>> heartbeat = () -> {
                Connection c = connections.get(Math.floorMod(next.getAndIncrement(), connections.size()));
                return http.put(presenceUrl + "/boxes/" + c.box() + "/viewers/" + c.id(), c.token());
            };
            // Open loop at the target rate: round-robin over 50,000 connections, each heartbeats every 2.5 s, inside
            // the 2 s minimum interval (the most any connection may send, so 25,000/s is the ceiling of legal load).
            int rate = context.intOption("rate", 20_000);
            LoadGenerator.openLoop(rate / 4, Duration.ofSeconds(context.intOption("warmup", 5)), http.eventLoop(), heartbeat);
            StackCpu stack = StackCpu.of(context);
            StackCpu.Window window = stack.start();
            LoadResult load = LoadGenerator.openLoop(rate, duration, http.eventLoop(), heartbeat, TARGET_P99);
            StackCpu.Cost cost = window.stopWhenQuiet();
            if (Boolean.parseBoolean(context.option("timeline", "false"))) {
                Timeline.print(load.seconds(), TARGET_P99);
            }
            double achieved = load.completed() / (double) duration.toSeconds();
            System.out.printf("heartbeats offered at %d/s over HTTP/%s: %.0f/s answered 200, p50 %.2f ms, p99 %.2f ms, "
                    + "errors %d%n", rate, transport.label(), achieved, load.percentileMillis(50),
                    load.percentileMillis(99), load.errors());

            Psql.execute(context, resource("/baseline/presence_baseline.sql"));
            String script = "\\set conn random(1, " + connectionCount + ")\n"
                    + "INSERT INTO baseline_viewers (box_id, connection_id, viewer_id, last_seen_at) "
                    + "VALUES (:conn % " + boxCount + ", :conn, :conn % 5000, now()) "
                    + "ON CONFLICT (box_id, connection_id) DO UPDATE SET last_seen_at = now();\n";
            StackCpu.Window baselineWindow = stack.start();
            PgBench.Result baseline = PgBench.run(context, script, concurrency, duration);
            double baselineCpu = baselineWindow.stopWhenQuiet().postgresMicrosPerOp(baseline.tps() * duration.toSeconds());
            double ratio = achieved / baseline.tps();
            System.out.printf("baseline (pgbench UPSERT, %d clients): %.0f/s, latency avg %.2f ms; ratio %.2f%n",
                    concurrency, baseline.tps(), baseline.latencyAverageMillis(), ratio);
            return cost.addTo(new ScenarioResult(name(), achieved, load.percentileMillis(50),
                    load.percentileMillis(99), load.errors(), Map.of()), load.completed())
                    .with("connections", connections.size())
                    .with("boxes", boxCount)
                    .with("concurrency", concurrency)
                    .with("http", transport.label())
                    .with("rate_per_s", rate)
                    .with("baseline_per_s", baseline.tps())
                    .with("baseline_cpu_us_per_op", baselineCpu)
                    .with("ratio", ratio)
                    .with("target_per_s", 20_000)
                    .with("target_p99_ms", TARGET_P99.toMillis());
        }
    }

    /** Creates the boxes and joins the connections through the API: 5,000 viewers, each in several boxes. */
    private static List<Connection> join(Http http, Tokens.Signer signer, String url, int boxCount, int count) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> boxes = Collections.synchronizedList(new ArrayList<>());
        List<Integer> boxIndexes = java.util.stream.IntStream.range(0, boxCount).boxed().toList();
        Http.inWaves(boxIndexes, 64, i -> http.post(url + "/boxes", signer.issue("bench-streamer-" + run + "-" + i, "user"),
                new JsonObject().put("title", "bench box " + i)).thenAccept(r -> boxes.add(r.bodyAsJsonObject().getString("id"))));
        int viewerCount = Math.min(5_000, count);
        List<String> tokens = new ArrayList<>();
        for (int v = 0; v < viewerCount; v++) {
            tokens.add(signer.issue("bench-viewer-" + run + "-" + v, "user"));
        }
        List<Connection> connections = Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        // Joining 50,000 connections takes longer than the 30 s timeout, so the ones joined first heartbeat
        // (every ~10 s, as clients do) while the rest join; otherwise the sweep would drop them before the run.
        long lastKeepAlive = System.nanoTime();
        int joined = 0;
        while (joined < count) {
            List<Integer> wave = java.util.stream.IntStream.range(joined, Math.min(count, joined + 2_000)).boxed().toList();
            Http.inWaves(wave, 128, i -> {
                String box = boxes.get(i % boxes.size());
                String token = tokens.get(i % viewerCount);
                return http.post(url + "/boxes/" + box + "/viewers", token, new JsonObject())
                        .thenAccept(r -> connections.add(new Connection(box,
                                r.bodyAsJsonObject().getString("connectionId"), token)));
            });
            joined += wave.size();
            if (System.nanoTime() - lastKeepAlive > Duration.ofSeconds(10).toNanos()) {
                // A connection joined less than the minimum interval ago answers 429: that is fine here.
                Http.inWaves(List.copyOf(connections), 128, c -> http.put(url + "/boxes/" + c.box() + "/viewers/"
                        + c.id(), c.token()).exceptionally(tooSoon -> null));
                lastKeepAlive = System.nanoTime();
            }
        }
        System.out.printf("%d boxes, %d connections joined in %.1f s%n", boxes.size(), connections.size(),
                (System.nanoTime() - started) / 1e9);
        Collections.shuffle(connections);
        return connections;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PresenceHeartbeatsScenario.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
