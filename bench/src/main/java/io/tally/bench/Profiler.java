package io.tally.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./dev bench <scenario> --profile}: where a measured window's CPU went. async-profiler samples every JVM of
 * the stack (the four services and Kafka) and pg_stat_statements counts PostgreSQL's statements; both start when a
 * {@link StackCpu} window starts and are written when it ends, under {@code .dev/profiles/<scenario>-<time>/window-N/}
 * (window 1 is the scenario's first measured phase: a baseline where it has one):
 * {@code <process>.collapsed} (folded stacks, to grep or to turn into a flame graph), {@code <process>.html} (the
 * flame graph) and {@code statements.txt} (the statements by total time). {@code ./dev} fetches the profiler and
 * preloads the extension. The profiler's own cost lands in the figures, so a profiled run is not recorded in the
 * history.
 */
public final class Profiler {

    /** The processes of {@code TALLY_BENCH_PIDS} that are JVMs async-profiler can attach to. */
    private static final List<String> JVMS = List.of("credits", "jobs", "payments", "presence", "kafka");
    private static final int TOP_STATEMENTS = 40;
    private static final Profiler NONE = new Profiler(null, null, Map.of(), null);
    private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");

    private final BenchContext context;
    private final Path library;
    private final Map<String, Integer> jvms;
    private final Path directory;

    private Profiler(BenchContext context, Path library, Map<String, Integer> jvms, Path directory) {
        this.context = context;
        this.library = library;
        this.jvms = jvms;
        this.directory = directory;
    }

    /** The profiler {@code --profile} asks for, or one that does nothing. */
    static Profiler of(BenchContext context, Map<String, Integer> roots) {
        if (!enabled(context)) {
            return NONE;
        }
        String library = context.env().get("TALLY_BENCH_ASYNC_PROFILER");
        String profiles = context.env().get("TALLY_BENCH_PROFILES");
        if (library == null || profiles == null) {
            throw new IllegalStateException("--profile needs ./dev bench (it fetches async-profiler and preloads "
                    + "pg_stat_statements)");
        }
        Map<String, Integer> jvms = new HashMap<>();
        JVMS.forEach(name -> {
            if (roots.containsKey(name)) {
                jvms.put(name, roots.get(name));
            }
        });
        return new Profiler(context, Path.of(library), jvms, Path.of(profiles));
    }

    /** A profiler that does nothing, whatever the options say. */
    static Profiler none() {
        return NONE;
    }

    public static boolean enabled(BenchContext context) {
        return Boolean.parseBoolean(context.option("profile", "false"));
    }

    /** Profiles from now on: every JVM sampled, PostgreSQL's statement counts reset. */
    void start() {
        if (this == NONE) {
            return;
        }
        try {
            Psql.execute(context, "SELECT public.pg_stat_statements_reset()");
        } catch (Exception e) {
            throw new IllegalStateException("could not reset pg_stat_statements", e);
        }
        jvms.forEach((name, pid) -> agent(pid, "start,event=cpu,interval=1ms"));
    }

    /** Writes what was sampled since {@link #start} and stops sampling; prints where it went and what was hottest. */
    void stop() {
        if (this == NONE) {
            return;
        }
        Path window = nextWindow();
        try {
            Files.createDirectories(window);
            jvms.forEach((name, pid) -> {
                agent(pid, "dump,collapsed,file=" + window.resolve(name + ".collapsed"));
                agent(pid, "stop,file=" + window.resolve(name + ".html"));
            });
            List<String> statements = Psql.lines(context, """
                    SELECT calls, round(total_exec_time::numeric, 1) AS total_ms,
                           round(mean_exec_time::numeric, 3) AS mean_ms, rows,
                           shared_blks_hit + shared_blks_read AS blocks, wal_records,
                           left(regexp_replace(query, '\\s+', ' ', 'g'), 400) AS query
                    FROM public.pg_stat_statements ORDER BY total_exec_time DESC LIMIT %d""".formatted(TOP_STATEMENTS));
            Files.write(window.resolve("statements.txt"), statements);
            System.out.printf("profile of %s: %s%n", window.getFileName(), window);
            for (String name : jvms.keySet()) {
                System.out.printf("  %-9s %s%n", name, hottestFrames(window.resolve(name + ".collapsed"), 3));
            }
            statements.stream().limit(6).forEach(line -> System.out.println("  " + line));
        } catch (Exception e) {
            throw new IllegalStateException("could not write the profile to " + window, e);
        }
    }

    /**
     * The run's first window directory not yet written: a scenario may measure with more than one StackCpu (jobs-claim
     * runs its peer in a stack of its own), and each phase keeps its own profile.
     */
    private Path nextWindow() {
        int n = 1;
        while (Files.exists(directory.resolve("window-" + n))) {
            n++;
        }
        return directory.resolve("window-" + n);
    }

    /**
     * Runs an async-profiler command in a JVM through {@code jcmd JVMTI.agent_load}. The command goes in double
     * quotes: jcmd would otherwise read its {@code key=value} pairs as its own arguments.
     */
    private void agent(int pid, String command) {
        try {
            Process process = new ProcessBuilder(JCMD.toString(), Integer.toString(pid), "JVMTI.agent_load",
                    library.toString(), '"' + command + '"').redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || !output.contains("return code: 0")) {
                throw new IllegalStateException("async-profiler '" + command + "' in " + pid + ": " + output.trim());
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + JCMD, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while profiling", e);
        }
    }

    /**
     * The share of samples in the kernel (frames async-profiler marks {@code _[k]}: system calls, network, the
     * hypervisor's interrupts) and the {@code count} other frames with the most samples of their own.
     */
    static String hottestFrames(Path collapsed, int count) throws IOException {
        Map<String, Long> own = new HashMap<>();
        long total = 0;
        long kernel = 0;
        for (String line : Files.readAllLines(collapsed)) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long samples = Long.parseLong(line.substring(space + 1));
            String stack = line.substring(0, space);
            String leaf = stack.substring(stack.lastIndexOf(';') + 1);
            if (leaf.endsWith("_[k]")) {
                kernel += samples;
            } else {
                own.merge(leaf, samples, Long::sum);
            }
            total += samples;
        }
        List<Map.Entry<String, Long>> hottest = new ArrayList<>(own.entrySet());
        hottest.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%,d samples, kernel %.1f%%:", total,
                100.0 * kernel / Math.max(1, total)));
        for (Map.Entry<String, Long> frame : hottest.subList(0, Math.min(count, hottest.size()))) {
            line.append(String.format(Locale.ROOT, " %s %.1f%%", frame.getKey(), 100.0 * frame.getValue() / total));
        }
        return line.toString();
    }
}
