package io.tally.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU time (user + system, from /proc) the stack's processes spend over a measured phase, so a run can say what
 * an operation costs: on a shared 2-core machine the same code runs at rates 2× apart from one day to the next, and
 * what each charge or heartbeat costs in CPU moves far less than how many fit in a second.
 *
 * <p>{@code ./dev bench} names the stack's root processes in {@code TALLY_BENCH_PIDS} ({@code name=pid,…}: each
 * service, Kafka, the postmaster, the gateway's nginx); a root counts with all its descendants, so PostgreSQL's
 * backends and helpers count as {@code postgres}. A process that ends during the phase is not lost: its parent
 * reaped it, and a parent's {@code cutime}/{@code cstime} (its reaped children's CPU) count with it. The bench's own
 * JVM and what it starts (pgbench, the peer queue's node) are the load generator, counted apart. The machine's busy
 * and steal time ({@code /proc/stat}) say what else ran.
 */
public final class StackCpu {

    public static final String LOAD_GENERATOR = "load-generator";
    /** The stack counts as quiet when it spends less than this share of one core over a {@link #QUIET_WINDOW}... */
    private static final double QUIET_SHARE = 0.15;
    /**
     * ...or when it has settled at its idle level: {@value #SETTLED_WINDOWS} windows in a row within
     * {@link #SETTLED_SPREAD} of their mean, below this share of a core. An idle stack is not at zero: jobs' and
     * credits' Kafka consumers wait at most 10 ms for a batch, so the broker answers a fetch every few milliseconds,
     * and the idle stack spends 20–40 % of a core (Kafka about 21 %, each service 2–6 %; measured 2026-12-06).
     * Waiting for less would add a minute of idle CPU to the phase.
     */
    private static final double SETTLED_CEILING = 0.50;
    private static final double SETTLED_SPREAD = 0.25;
    private static final int SETTLED_WINDOWS = 4;
    private static final Duration QUIET_WINDOW = Duration.ofMillis(500);
    private static final Duration MAX_QUIET_WAIT = Duration.ofSeconds(60);
    private static final Path PROC = Path.of("/proc");
    /** Kernel ticks per second (USER_HZ): 100 on every Linux this runs on. */
    private static final long TICKS_PER_SECOND = 100;
    private static final long MICROS_PER_TICK = 1_000_000 / TICKS_PER_SECOND;

    private final Map<String, Integer> roots;
    private final Profiler profiler;

    private StackCpu(Map<String, Integer> roots, Profiler profiler) {
        this.roots = roots;
        this.profiler = profiler;
    }

    /** The stack {@code ./dev bench} described; an empty one (no figures) when run without it. */
    public static StackCpu of(BenchContext context) {
        Map<String, Integer> roots = new LinkedHashMap<>();
        String pids = context.env().getOrDefault("TALLY_BENCH_PIDS", "");
        for (String pair : pids.split(",")) {
            String[] nameAndPid = pair.split("=", 2);
            if (nameAndPid.length == 2 && !nameAndPid[1].isBlank()) {
                roots.put(nameAndPid[0].trim(), Integer.parseInt(nameAndPid[1].trim()));
            }
        }
        roots.put(LOAD_GENERATOR, (int) ProcessHandle.current().pid());
        return new StackCpu(roots, Profiler.of(context, roots));
    }

    /** The same stack measured without {@code --profile}'s sampling (the calibration: not what a scenario costs). */
    public static StackCpu unprofiled(BenchContext context) {
        return new StackCpu(of(context).roots, Profiler.none());
    }

    /**
     * This stack with one more process counted apart under {@code name} (a peer the bench started): its subtree
     * is no longer part of the load generator's.
     */
    public StackCpu with(String name, long pid) {
        Map<String, Integer> more = new LinkedHashMap<>(roots);
        more.put(name, (int) pid);
        return new StackCpu(more, profiler);
    }

    /** Waits until what earlier load left behind (a saga's tail, a flush) has run, then starts measuring. */
    public Window start() {
        Sample quiet = awaitQuiet(sample());
        profiler.start();
        return new Window(quiet);
    }

    /** A measured phase under way. */
    public final class Window {

        private final Sample started;

        private Window(Sample started) {
            this.started = started;
        }

        /**
         * Ends the phase once the stack has done what the phase's operations set off (events still to relay, a
         * saga's next steps, a batch to flush): the window closes at the first quiet {@link #QUIET_WINDOW} after
         * the load ended, and that quiet window's own CPU counts too.
         */
        public Cost stopWhenQuiet() {
            long loadEnded = System.nanoTime();
            Sample ended = awaitQuiet(sample());
            profiler.stop();
            return Cost.between(started, ended, (ended.nanoTime - loadEnded) / 1e9);
        }
    }

    /** Samples every {@link #QUIET_WINDOW} until the stack is {@link #quiet}, or {@link #MAX_QUIET_WAIT}. */
    private Sample awaitQuiet(Sample from) {
        long deadline = System.nanoTime() + MAX_QUIET_WAIT.toNanos();
        List<Long> windows = new ArrayList<>();
        Sample previous = from;
        while (true) {
            sleep(QUIET_WINDOW);
            Sample next = sample();
            windows.add(next.stackMicros() - previous.stackMicros());
            if (quiet(windows, QUIET_WINDOW.toNanos() / 1000) || System.nanoTime() > deadline) {
                return next;
            }
            previous = next;
        }
    }

    /** Whether the stack's CPU in its windows so far (µs each, oldest first, each {@code windowMicros} long) is quiet. */
    static boolean quiet(List<Long> windows, long windowMicros) {
        long last = windows.get(windows.size() - 1);
        if (last <= QUIET_SHARE * windowMicros) {
            return true;
        }
        if (windows.size() < SETTLED_WINDOWS) {
            return false;
        }
        List<Long> recent = windows.subList(windows.size() - SETTLED_WINDOWS, windows.size());
        double mean = recent.stream().mapToLong(Long::longValue).average().orElseThrow();
        return mean <= SETTLED_CEILING * windowMicros
                && recent.stream().allMatch(window -> Math.abs(window - mean) <= SETTLED_SPREAD * mean);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis()); // the harness sampling /proc, not a test waiting for a result
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring CPU", e);
        }
    }

    /** Every process's CPU, each root's subtree summed, and the machine's counters at one moment. */
    Sample sample() {
        Map<Integer, ProcessTicks> processes = readProcesses();
        Map<Integer, List<Integer>> children = new HashMap<>();
        processes.forEach((pid, ticks) -> children.computeIfAbsent(ticks.parent, p -> new ArrayList<>()).add(pid));
        Map<String, Long> micros = new LinkedHashMap<>();
        roots.forEach((name, root) -> micros.put(name,
                subtreeTicks(root, processes, children, roots.values()) * MICROS_PER_TICK));
        long[] machine = machineTicks();
        return new Sample(System.nanoTime(), micros, machine[0] * MICROS_PER_TICK, machine[1] * MICROS_PER_TICK);
    }

    /** A root's CPU with its descendants', except those of another root (counted under their own name). */
    private static long subtreeTicks(int root, Map<Integer, ProcessTicks> processes,
                                     Map<Integer, List<Integer>> children, java.util.Collection<Integer> roots) {
        ProcessTicks own = processes.get(root);
        long total = own == null ? 0 : own.ticks;
        for (int child : children.getOrDefault(root, List.of())) {
            if (!roots.contains(child)) {
                total += subtreeTicks(child, processes, children, roots);
            }
        }
        return total;
    }

    /** utime + stime + cutime + cstime of one process, and its parent. */
    private record ProcessTicks(int parent, long ticks) {
    }

    private static Map<Integer, ProcessTicks> readProcesses() {
        Map<Integer, ProcessTicks> processes = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path entry : entries) {
                try {
                    String stat = Files.readString(entry.resolve("stat"));
                    // The command name (field 2) is in parentheses and may hold spaces: fields count after it.
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12])
                            + Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
                    processes.put(Integer.parseInt(entry.getFileName().toString()),
                            new ProcessTicks(Integer.parseInt(fields[1]), ticks));
                } catch (IOException | RuntimeException ended) {
                    // The process ended between listing and reading: its parent's cutime has it from now on.
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc", e);
        }
        return processes;
    }

    /** The machine's busy ticks (all cores: user, nice, system, irq, softirq) and its steal ticks. */
    private static long[] machineTicks() {
        try {
            String[] cpu = Files.readAllLines(PROC.resolve("stat")).get(0).trim().split("\\s+");
            long busy = Long.parseLong(cpu[1]) + Long.parseLong(cpu[2]) + Long.parseLong(cpu[3])
                    + Long.parseLong(cpu[6]) + Long.parseLong(cpu[7]);
            return new long[] {busy, Long.parseLong(cpu[8])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    record Sample(long nanoTime, Map<String, Long> micros, long machineBusyMicros, long stealMicros) {

        long stackMicros() {
            return micros.entrySet().stream().filter(e -> !e.getKey().equals(LOAD_GENERATOR))
                    .mapToLong(Map.Entry::getValue).sum();
        }
    }

    /**
     * What a phase cost: CPU µs per process group of the stack, of the load generator, of the whole machine (busy)
     * and stolen by the hypervisor; the phase's length and the part of it that came after the load (its tail).
     */
    public record Cost(Map<String, Long> stackMicros, long loadGeneratorMicros, long machineBusyMicros,
                       long stealMicros, double seconds, double tailSeconds) {

        static Cost between(Sample from, Sample to, double tailSeconds) {
            Map<String, Long> stack = new LinkedHashMap<>();
            to.micros.forEach((name, micros) -> {
                if (!name.equals(LOAD_GENERATOR)) {
                    stack.put(name, Math.max(0, micros - from.micros.getOrDefault(name, 0L)));
                }
            });
            return new Cost(stack, to.micros.get(LOAD_GENERATOR) - from.micros.get(LOAD_GENERATOR),
                    to.machineBusyMicros - from.machineBusyMicros, to.stealMicros - from.stealMicros,
                    (to.nanoTime - from.nanoTime) / 1e9, tailSeconds);
        }

        /** Two phases of one run (rounds) as one. */
        public Cost plus(Cost other) {
            Map<String, Long> stack = new LinkedHashMap<>(stackMicros);
            other.stackMicros.forEach((name, micros) -> stack.merge(name, micros, Long::sum));
            return new Cost(stack, loadGeneratorMicros + other.loadGeneratorMicros,
                    machineBusyMicros + other.machineBusyMicros, stealMicros + other.stealMicros,
                    seconds + other.seconds, tailSeconds + other.tailSeconds);
        }

        /**
         * PostgreSQL's CPU per operation: the whole cost of a baseline that runs in plpgsql (its client, pgbench, is
         * its load generator as the bench's JVM is Tally's), so it compares with {@code cpu_us_per_op}.
         */
        public double postgresMicrosPerOp(double operations) {
            return operations <= 0 ? 0 : round(stackMicros.getOrDefault("postgres", 0L) / operations);
        }

        public long stackTotalMicros() {
            return stackMicros.values().stream().mapToLong(Long::longValue).sum();
        }

        /**
         * The figures on the RESULT line: {@code cpu_us_per_op} (the stack's total), its split per process group,
         * the load generator's and the rest of the machine's share per operation, and how busy the machine was.
         */
        public ScenarioResult addTo(ScenarioResult result, long operations) {
            if (operations <= 0 || stackMicros.isEmpty()) {
                return result.with("cpu_us_per_op", "n/a");
            }
            Map<String, Object> split = new LinkedHashMap<>();
            stackMicros.forEach((name, micros) -> split.put(name, perOp(micros, operations)));
            long other = machineBusyMicros - stackTotalMicros() - loadGeneratorMicros;
            int cores = Runtime.getRuntime().availableProcessors();
            return result.with("cpu_us_per_op", perOp(stackTotalMicros(), operations))
                    .with("cpu_split_us_per_op", split)
                    .with("loadgen_cpu_us_per_op", perOp(loadGeneratorMicros, operations))
                    .with("other_cpu_us_per_op", perOp(Math.max(0, other), operations))
                    .with("cpu_ops", operations)
                    .with("cpu_window_s", round(seconds))
                    .with("cpu_tail_s", round(tailSeconds))
                    .with("machine_busy_pct", round(100.0 * machineBusyMicros / (seconds * 1e6 * cores)))
                    .with("steal_pct", round(100.0 * stealMicros / (seconds * 1e6 * cores)));
        }

        private static double perOp(long micros, long operations) {
            return round((double) micros / operations);
        }

        private static double round(double value) {
            return Math.round(value * 10) / 10.0;
        }
    }
}
