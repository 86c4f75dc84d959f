package io.tally.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs a pgbench script against the bench schema (role tally_bench) and reads back its tps and latency. */
public final class PgBench {

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");
    private static final Pattern LATENCY = Pattern.compile("latency average = ([0-9.]+) ms");

    private PgBench() {
    }

    public record Result(double tps, double latencyAverageMillis, String output) {
    }

    public static Result run(BenchContext context, String script, int clients, Duration duration)
            throws IOException, InterruptedException {
        Path file = Files.createTempFile("tally-pgbench", ".sql");
        Files.writeString(file, script);
        List<String> command = new ArrayList<>(List.of("pgbench", "-n", "-h", context.dbHost(),
                "-p", Integer.toString(context.dbPort()), "-U", "tally_bench", "-d", context.dbName(),
                "-c", Integer.toString(clients), "-j", Integer.toString(Math.min(clients, 4)),
                "-T", Long.toString(duration.toSeconds()), "-f", file.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", "tally_bench");
        builder.environment().put("PGOPTIONS", "-c search_path=bench");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("pgbench failed:\n" + output);
        }
        Files.deleteIfExists(file);
        return new Result(number(TPS, output), number(LATENCY, output), output);
    }

    private static double number(Pattern pattern, String output) {
        Matcher matcher = pattern.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("pgbench printed no " + pattern + ":\n" + output);
        }
        return Double.parseDouble(matcher.group(1));
    }
}
