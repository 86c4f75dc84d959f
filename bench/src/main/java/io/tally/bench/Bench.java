package io.tally.bench;

import io.tally.bench.scenarios.CreditsChargeScenario;
import io.tally.bench.scenarios.JobsClaimScenario;
import io.tally.bench.scenarios.JobsSubmitScenario;
import io.tally.bench.scenarios.OutboxPublishScenario;
import io.tally.bench.scenarios.PaymentsWebhooksScenario;
import io.tally.bench.scenarios.PresenceHeartbeatsScenario;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of {@code ./dev bench <scenario> [--duration=20s] [--concurrency=16] [--rate=500]}, and of
 * {@code ./dev bench table <scenario…>} (the latest runs as rows for the docs' performance tables).
 */
public final class Bench {

    private static final List<Scenario> SCENARIOS = List.of(
            new OutboxPublishScenario(),
            new CreditsChargeScenario(false),
            new CreditsChargeScenario(true),
            new JobsSubmitScenario(),
            new JobsClaimScenario(),
            new PaymentsWebhooksScenario(),
            new PresenceHeartbeatsScenario());

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Scenario> byName = new LinkedHashMap<>();
        SCENARIOS.forEach(s -> byName.put(s.name(), s));
        if (args.length == 0 || args[0].equals("list")) {
            System.out.println("Scenarios:");
            byName.values().forEach(s -> System.out.printf("  %-24s %s%n", s.name(), s.description()));
            return;
        }
        Path results = Path.of(System.getenv().getOrDefault("TALLY_BENCH_RESULTS", "bench/results"));
        if (args[0].equals("table")) {
            printTable(HistoryTable.read(results.resolve(Report.HISTORY)), List.of(args).subList(1, args.length));
            return;
        }
        Scenario scenario = byName.get(args[0]);
        if (scenario == null) {
            System.err.println("Unknown scenario '" + args[0] + "'. Known: " + byName.keySet());
            System.exit(2);
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] pair = args[i].replaceFirst("^--", "").split("=", 2);
            options.put(pair[0], pair.length > 1 ? pair[1] : "true");
        }
        BenchContext context = new BenchContext(System.getenv(), options);
        // Measured first, on the idle stack: the scenario's load and its tail would disturb it.
        Calibration.Figures calibration = Calibration.measure(context);
        ScenarioResult result = calibration.addTo(scenario.run(context));
        Report.print(result, results, "./dev bench " + String.join(" ", args), !Profiler.enabled(context));
        System.exit(0);
    }

    /** {@code ./dev bench table <scenario…>}: each scenario's latest run as a row for the docs' tables. */
    private static void printTable(HistoryTable history, List<String> scenarios) {
        System.out.println(HistoryTable.HEADER);
        for (String scenario : scenarios) {
            System.out.println(history.latestRow(scenario)
                    .orElseThrow(() -> new IllegalArgumentException("No run of " + scenario + " in the history")));
        }
    }
}
