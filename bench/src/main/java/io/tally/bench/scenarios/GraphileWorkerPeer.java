package io.tally.bench.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.bench.BenchContext;
import io.tally.bench.StackCpu;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * graphile-worker (bench/peer/graphile-worker, the npm package in schema {@code bench_graphile} of the same
 * PostgreSQL) draining as many no-op jobs as Tally's workers just did: the in-run yardstick of {@code jobs-claim}. Its
 * node process is both the queue's client and its workers, so its cost is that process and PostgreSQL; Tally's
 * workers are the bench's HTTP client, counted as load generator, and its cost is the whole stack behind them.
 */
final class GraphileWorkerPeer {

    static final String NAME = "graphile-worker";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the peer did: its rate, and its CPU µs per job (PostgreSQL + the worker process). */
    record Result(long jobs, double perSecond, double cpuMicrosPerJob) {
    }

    private GraphileWorkerPeer() {
    }

    static Result drain(BenchContext context, int jobs) throws Exception {
        Path dir = Path.of(context.env().getOrDefault("TALLY_BENCH_PEER_DIR", "bench/peer/graphile-worker"));
        ProcessBuilder builder = new ProcessBuilder("node", "drain.cjs", Integer.toString(jobs))
                .directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("DATABASE_URL", "postgres://tally_bench_graphile:tally_bench_graphile@"
                + context.dbHost() + ":" + context.dbPort() + "/" + context.dbName());
        Process node = builder.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
             OutputStream in = node.getOutputStream()) {
            String line = lineStartingWith(out, "queued");
            if (line == null) {
                throw new IllegalStateException("graphile-worker did not queue its jobs: " + line);
            }
            System.out.printf("peer: graphile-worker %s jobs; draining them%n", line.substring("queued ".length()));
            StackCpu.Window window = StackCpu.of(context).with(NAME, node.pid()).start();
            in.write("go\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            String result = lineStartingWith(out, "{");
            if (result == null) {
                throw new IllegalStateException("graphile-worker's drain failed: " + result);
            }
            // Measured while node still runs: once it has ended, its CPU would count as the bench JVM's (cutime).
            StackCpu.Cost cost = window.stopWhenQuiet();
            in.write("exit\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            if (!node.waitFor(1, TimeUnit.MINUTES) || node.exitValue() != 0) {
                throw new IllegalStateException("graphile-worker did not end cleanly");
            }
            JsonNode figures = JSON.readTree(result);
            long drained = figures.get("jobs").asLong();
            double micros = cost.stackMicros().getOrDefault("postgres", 0L) + cost.stackMicros().getOrDefault(NAME, 0L);
            return new Result(drained, figures.get("perSecond").asDouble(), micros / drained);
        } finally {
            node.destroy();
        }
    }

    /** The next line of the drain's protocol; the worker's own log lines (it logs to stdout) are passed through. */
    private static String lineStartingWith(BufferedReader out, String prefix) throws java.io.IOException {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith(prefix)) {
                return line;
            }
            System.out.println("peer: " + line);
        }
        return null;
    }
}
