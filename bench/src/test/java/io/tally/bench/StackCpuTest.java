package io.tally.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The CPU accounts count what ended during the window, and keep a named process apart from its parent's. */
@Tag("unit")
class StackCpuTest {

    /** bash's {@code times}: the shell's own user and system time, e.g. {@code 0m0.412s 0m0.004s}. */
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s");
    /**
     * /proc counts in 10 ms ticks and truncates user and system time apart, and the window's first sample may land
     * a tick into the process's life: up to three ticks below what the process's own rusage says.
     */
    private static final long RESOLUTION_MICROS = 30_000;
    private static final String BUSY_SHELL = "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; times";

    @Test
    void aChildThatEndedDuringTheWindowCountsWithItsParent() throws Exception {
        StackCpu.Window window = StackCpu.of(new BenchContext(Map.of(), Map.of())).start();
        long childMicros = runToTheEnd(new ProcessBuilder("bash", "-c", BUSY_SHELL).start());
        StackCpu.Cost cost = window.stopWhenQuiet();

        // The shell is gone: only the JVM's cutime (its reaped children) still holds what it spent.
        assertThat(childMicros).as("the busy shell's own CPU").isGreaterThan(50_000);
        assertThat(cost.loadGeneratorMicros()).isGreaterThanOrEqualTo(childMicros - RESOLUTION_MICROS);
        assertThat(cost.machineBusyMicros()).isGreaterThanOrEqualTo(cost.loadGeneratorMicros() - 20_000);
    }

    @Test
    void aNamedProcessCountsApartFromTheLoadGenerator() throws Exception {
        Process busy = new ProcessBuilder("bash", "-c", "read go; " + BUSY_SHELL + "; read bye").start();
        StackCpu.Window window = StackCpu.of(new BenchContext(Map.of(), Map.of())).with("peer", busy.pid()).start();
        send(busy, "go");
        BufferedReader out = new BufferedReader(new InputStreamReader(busy.getInputStream(), StandardCharsets.UTF_8));
        long childMicros = micros(out.readLine());
        // Measured while it still runs, as GraphileWorkerPeer does: once ended, it would count as its parent's.
        StackCpu.Cost cost = window.stopWhenQuiet();
        send(busy, "bye");
        assertThat(busy.waitFor()).isZero();

        assertThat(childMicros).isGreaterThan(50_000);
        assertThat(cost.stackMicros().get("peer")).isGreaterThanOrEqualTo(childMicros - RESOLUTION_MICROS);
        assertThat(cost.loadGeneratorMicros()).as("the JVM alone, sampling").isLessThan(cost.stackMicros().get("peer"));
    }

    private static void send(Process process, String line) throws Exception {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    private static long runToTheEnd(Process process) throws Exception {
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isZero();
        return micros(output);
    }

    private static long micros(String output) {
        Matcher times = TIMES.matcher(String.valueOf(output));
        assertThat(times.find()).as("bash printed its times: %s", output).isTrue();
        return Math.round((Long.parseLong(times.group(1)) * 60 + Double.parseDouble(times.group(2))
                + Long.parseLong(times.group(3)) * 60 + Double.parseDouble(times.group(4))) * 1_000_000);
    }

    /** Windows of 500 ms, as the harness samples them, each given as the share of a core the stack spent. */
    private static boolean quiet(double... shares) {
        return StackCpu.quiet(java.util.Arrays.stream(shares).mapToObj(share -> Math.round(share * 500_000)).toList(),
                500_000);
    }

    @Test
    void theStackIsQuietBelowItsThresholdOrSettledAtItsIdleLevel() {
        assertThat(quiet(0.9, 0.6, 0.1)).as("below 15 % of a core").isTrue();
        // The idle stack's own polling: a saga's tail decays to a plateau the window ends on.
        assertThat(quiet(0.9, 0.5, 0.22, 0.20, 0.21)).as("not settled for long enough yet").isFalse();
        assertThat(quiet(0.9, 0.5, 0.22, 0.20, 0.21, 0.19)).as("settled at the idle level").isTrue();
        assertThat(quiet(0.6, 0.6, 0.6, 0.6)).as("steady work is not idle").isFalse();
        assertThat(quiet(0.29, 0.16, 0.29, 0.16)).as("still moving").isFalse();
    }
}
