package io.tally.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The docs' performance tables, made from {@code bench/results/history.jsonl}: {@code ./dev bench table <scenario…>}
 * prints the rows of each scenario's latest run, and DocsTest checks that every row in docs/ is one a run printed.
 */
public final class HistoryTable {

    /**
     * cpu µs/op is what one operation cost the whole stack (RESULT's {@code cpu_us_per_op}); calibration is the same
     * run's {@code SELECT 1} rate, the machine's weather that day (README's Benchmarks).
     */
    public static final String HEADER = "| scenario | figure | ratio | cpu µs/op | calibration | date | commit | command |\n"
            + "|---|---|---|---|---|---|---|---|";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> runs;

    private HistoryTable(List<JsonNode> runs) {
        this.runs = runs;
    }

    public static HistoryTable read(Path history) {
        if (!Files.exists(history)) {
            return new HistoryTable(List.of());
        }
        try {
            List<JsonNode> runs = new ArrayList<>();
            for (String line : Files.readAllLines(history)) {
                if (!line.isBlank()) {
                    runs.add(JSON.readTree(line));
                }
            }
            return new HistoryTable(runs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every row a run of this history renders, by scenario in file order. */
    public Map<String, List<String>> rowsByScenario() {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        runs.forEach(run -> rows.computeIfAbsent(scenario(run), s -> new ArrayList<>()).add(row(run)));
        return rows;
    }

    public Optional<String> latestRow(String scenario) {
        List<String> rows = rowsByScenario().getOrDefault(scenario, List.of());
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(rows.size() - 1));
    }

    static String row(JsonNode run) {
        JsonNode result = run.path("result");
        StringBuilder figure = new StringBuilder()
                .append(number(result.path("throughput_per_s"))).append("/s, p99 ")
                .append(number(result.path("p99_ms"))).append(" ms");
        if (result.path("errors").asLong() > 0) {
            figure.append(", ").append(result.path("errors").asLong()).append(" errors");
        }
        if (result.has("exact")) {
            figure.append(result.path("exact").asBoolean() ? ", exact" : ", NOT exact");
        }
        if (result.has("peer_per_s")) {
            figure.append("; ").append(result.path("peer").asText()).append(' ')
                    .append(number(result.path("peer_per_s"))).append("/s at ")
                    .append(number(result.path("peer_cpu_us_per_op"))).append(" µs/op");
        }
        String ratio = result.has("ratio") ? number(result.path("ratio")) : "—";
        String cost = result.path("cpu_us_per_op").isNumber() ? number(result.path("cpu_us_per_op")) : "—";
        String calibration = result.has("calibration_select1_per_s")
                ? "SELECT 1 " + number(result.path("calibration_select1_per_s")) + "/s" : "—";
        return "| `" + scenario(run) + "` | " + figure + " | " + ratio + " | " + cost + " | " + calibration
                + " | " + run.path("measured_at").asText().substring(0, 10)
                + " | `" + run.path("commit").asText() + "` | `" + run.path("command").asText() + "` |";
    }

    private static String scenario(JsonNode run) {
        return run.path("result").path("scenario").asText();
    }

    private static String number(JsonNode value) {
        double d = value.asDouble();
        return d >= 100 ? String.format(Locale.ROOT, "%,d", Math.round(d)) : value.asText();
    }
}
