package io.tally.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Prints a readable table, then the machine-readable line
 * {@code RESULT scenario=… throughput_per_s=… p50_ms=… p99_ms=… errors=… [key=value…]}, writes the same figures to
 * {@code bench/results/<scenario>.json} (the latest run, not kept in git) and appends them, with the command, the
 * commit and the machine, as one line of {@code bench/results/history.jsonl} (kept in git: the docs' performance
 * tables are checked against it).
 */
public final class Report {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Report() {
    }

    public static final String HISTORY = "history.jsonl";

    /** @param record false for a run whose figures are not the stack's alone (a profiled run): not in the history */
    public static void print(ScenarioResult result, Path resultsDir, String command, boolean record)
            throws IOException {
        Map<String, Object> figures = figures(result);
        System.out.println();
        System.out.println("Scenario " + result.scenario());
        figures.forEach((key, value) -> System.out.printf(Locale.ROOT, "  %-22s %s%n", key, value));
        StringBuilder line = new StringBuilder("RESULT");
        figures.forEach((key, value) -> line.append(' ').append(key).append('=').append(lineValue(value)));
        System.out.println(line);

        Files.createDirectories(resultsDir);
        Map<String, Object> json = new LinkedHashMap<>(figures);
        json.put("measured_at", Instant.now().toString());
        JSON.writerWithDefaultPrettyPrinter().writeValue(resultsDir.resolve(result.scenario() + ".json").toFile(), json);

        if (!record) {
            System.out.println("(profiled: the profiler's cost is in these figures, so the run is not in " + HISTORY + ")");
            return;
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("measured_at", json.get("measured_at"));
        entry.put("commit", System.getenv().getOrDefault("TALLY_BENCH_COMMIT", "unknown"));
        entry.put("command", command);
        entry.put("machine", MachineFacts.read());
        entry.put("result", figures);
        Files.writeString(resultsDir.resolve(HISTORY), JSON.writeValueAsString(entry) + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static Map<String, Object> figures(ScenarioResult result) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("scenario", result.scenario());
        figures.put("throughput_per_s", round(result.throughputPerSecond()));
        figures.put("p50_ms", round(result.p50Millis()));
        figures.put("p99_ms", round(result.p99Millis()));
        figures.put("errors", result.errors());
        result.extra().forEach((key, value) -> figures.put(key, value instanceof Double d ? round(d) : value));
        return figures;
    }

    /** A value on the RESULT line, without spaces: a split per process reads {@code credits:120.5,postgres:310.2}. */
    private static Object lineValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            StringBuilder pairs = new StringBuilder();
            map.forEach((key, each) -> pairs.append(pairs.isEmpty() ? "" : ",").append(key).append(':').append(each));
            return pairs;
        }
        return value;
    }

    private static Object round(double value) {
        return value >= 100 ? (Object) Math.round(value) : (Object) (Math.round(value * 100) / 100.0);
    }
}
