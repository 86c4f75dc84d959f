package io.tally.bench;

import java.time.Duration;

/**
 * A fixed workload measured in the same run as a scenario, so that runs of different days can be compared: pgbench
 * sending {@code SELECT 1} from 4 clients for 5 s to the same PostgreSQL. Its rate and what each SELECT costs the
 * machine (PostgreSQL's backends and pgbench) move with the machine's weather (a busy neighbour, steal, a slower
 * host) and not with Tally's code: a scenario's rate or cost that moved as much as the calibration moved is
 * weather, one that moved alone is the code.
 */
public final class Calibration {

    private static final Duration LENGTH = Duration.ofSeconds(5);
    private static final int CLIENTS = 4;

    private Calibration() {
    }

    /** Runs the fixed workload; the figures go on the scenario's RESULT line. */
    public static Figures measure(BenchContext context) throws Exception {
        StackCpu.Window window = StackCpu.unprofiled(context).start();
        PgBench.Result select1 = PgBench.run(context, "SELECT 1;\n", CLIENTS, LENGTH);
        StackCpu.Cost cost = window.stopWhenQuiet();
        long selects = Math.round(select1.tps() * LENGTH.toSeconds());
        // Both sides of the round trip (PostgreSQL and pgbench): the figure is what one SELECT costs this machine.
        double micros = cost.stackMicros().getOrDefault("postgres", 0L) + cost.loadGeneratorMicros();
        Figures figures = new Figures(select1.tps(), micros / selects);
        System.out.printf("calibration: SELECT 1 at %.0f/s from %d pgbench clients, %.1f µs of CPU each%n",
                figures.select1PerSecond(), CLIENTS, figures.select1CpuMicros());
        return figures;
    }

    /** The calibration's rate and its CPU µs per SELECT (PostgreSQL + pgbench). */
    public record Figures(double select1PerSecond, double select1CpuMicros) {

        public ScenarioResult addTo(ScenarioResult result) {
            return result.with("calibration_select1_per_s", select1PerSecond)
                    .with("calibration_select1_cpu_us", Math.round(select1CpuMicros * 10) / 10.0);
        }
    }
}
