package io.tally.bench;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Recorder;

/**
 * Drives an asynchronous operation and records each one's latency.
 *
 * <ul>
 *   <li>Closed loop: {@code concurrency} callers, each starting its next operation when the previous one
 *   ends — measures the maximum sustainable throughput.</li>
 *   <li>Open loop: operations start on a fixed schedule whatever the system does; latency counts from the
 *   intended start, so a stall shows up in the percentiles instead of hiding (no coordinated omission).</li>
 * </ul>
 */
public final class LoadGenerator {

    private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(5);
    /** Consecutive warm-up windows whose rates must agree before the rate counts as steady. */
    private static final int STEADY_WINDOWS = 3;

    private LoadGenerator() {
    }

    public static LoadResult closedLoop(int concurrency, Duration duration, Supplier<CompletionStage<?>> operation) {
        Recorder recorder = new Recorder(MAX_LATENCY_MICROS, 3);
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        CompletableFuture<?>[] callers = new CompletableFuture[concurrency];
        for (int i = 0; i < concurrency; i++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            callers[i] = done;
            next(operation, recorder, completed, errors, deadline, done);
        }
        CompletableFuture.allOf(callers).join();
        return new LoadResult(completed.get(), errors.get(), System.nanoTime() - start, recorder.getIntervalHistogram(),
                List.of());
    }

    /**
     * Unmeasured closed-loop warm-up until the rate is steady: windows of {@code window} run back to back, and it
     * ends after at least {@code minimum} once the last three windows' rates lie within {@code tolerance} of each
     * other (the JIT has done its work), or at {@code maximum} whatever the rate does. Two windows were not enough:
     * a rate still climbing by a few per cent a window passed for steady (687, 1089, 1390, 1846, 2115, 2188/s,
     * then 2945/s measured). Returns how long it ran.
     */
    public static Duration warmUpUntilSteady(int concurrency, Duration minimum, Duration maximum, Duration window,
                                             double tolerance, Supplier<CompletionStage<?>> operation) {
        long start = System.nanoTime();
        Deque<Double> recent = new ArrayDeque<>();
        while (true) {
            double rate = closedLoop(concurrency, window, operation).throughputPerSecond();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            recent.addLast(rate);
            if (recent.size() > STEADY_WINDOWS) {
                recent.removeFirst();
            }
            double lowest = recent.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            double highest = recent.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            boolean steady = recent.size() == STEADY_WINDOWS && highest - lowest <= tolerance * lowest;
            System.out.printf("warm-up %3ds: %.0f/s%n", elapsed.toSeconds(), rate);
            if ((steady && elapsed.compareTo(minimum) >= 0) || elapsed.compareTo(maximum) >= 0) {
                return elapsed;
            }
        }
    }

    /** Closed loop over a fixed list: {@code concurrency} callers take the items in order until none is left. */
    public static <T> LoadResult eachOnce(int concurrency, java.util.List<T> items,
                                          java.util.function.Function<T, CompletionStage<?>> call) {
        Recorder recorder = new Recorder(MAX_LATENCY_MICROS, 3);
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        java.util.concurrent.atomic.AtomicInteger cursor = new java.util.concurrent.atomic.AtomicInteger();
        long start = System.nanoTime();
        CompletableFuture<?>[] callers = new CompletableFuture[concurrency];
        for (int i = 0; i < concurrency; i++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            callers[i] = done;
            nextItem(items, call, cursor, recorder, completed, errors, done);
        }
        CompletableFuture.allOf(callers).join();
        return new LoadResult(completed.get(), errors.get(), System.nanoTime() - start, recorder.getIntervalHistogram(),
                List.of());
    }

    private static <T> void nextItem(java.util.List<T> items, java.util.function.Function<T, CompletionStage<?>> call,
                                     java.util.concurrent.atomic.AtomicInteger cursor, Recorder recorder,
                                     AtomicLong completed, AtomicLong errors, CompletableFuture<Void> done) {
        int index = cursor.getAndIncrement();
        if (index >= items.size()) {
            done.complete(null);
            return;
        }
        long started = System.nanoTime();
        start(() -> call.apply(items.get(index))).whenComplete((ok, failure) -> {
            record(recorder, started, failure == null ? completed : errors);
            nextItem(items, call, cursor, recorder, completed, errors, done);
        });
    }

    private static void next(Supplier<CompletionStage<?>> operation, Recorder recorder, AtomicLong completed,
                             AtomicLong errors, long deadline, CompletableFuture<Void> done) {
        if (System.nanoTime() >= deadline) {
            done.complete(null);
            return;
        }
        long started = System.nanoTime();
        start(operation).whenComplete((ok, failure) -> {
            record(recorder, started, failure == null ? completed : errors);
            next(operation, recorder, completed, errors, deadline, done);
        });
    }

    /**
     * Open loop: every 200 µs the ticker hands the operations now due, as one task, to {@code issuer} (the HTTP
     * client's event loop, so a request is not handed from thread to thread on its way out and the harness costs
     * the shared cores as little as it can).
     */
    public static LoadResult openLoop(int ratePerSecond, Duration duration, Executor issuer,
                                      Supplier<CompletionStage<?>> operation) {
        return openLoop(ratePerSecond, duration, issuer, operation, new Timeline(duration, Duration.ofDays(1)));
    }

    /** The same, also counting per second of intended start the operations that took longer than {@code slow}. */
    public static LoadResult openLoop(int ratePerSecond, Duration duration, Executor issuer,
                                      Supplier<CompletionStage<?>> operation, Duration slow) {
        return openLoop(ratePerSecond, duration, issuer, operation, new Timeline(duration, slow));
    }

    private static LoadResult openLoop(int ratePerSecond, Duration duration, Executor issuer,
                                       Supplier<CompletionStage<?>> operation, Timeline timeline) {
        Recorder recorder = new Recorder(MAX_LATENCY_MICROS, 3);
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long total = (long) ratePerSecond * duration.toSeconds();
        CountDownLatch allDone = new CountDownLatch((int) total);
        double intervalNanos = 1e9 / ratePerSecond;
        long start = System.nanoTime();
        long[] issued = {0};
        CompletableFuture<Void> allIssued = new CompletableFuture<>();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long from = issued[0];
            long to = Math.min(total, (long) Math.floor((now - start) / intervalNanos) + 1);
            if (to > from) {
                issued[0] = to;
                issuer.execute(() -> {
                    for (long i = from; i < to; i++) {
                        long intended = start + (long) (i * intervalNanos);
                        start(operation).whenComplete((ok, failure) -> {
                            long micros = record(recorder, intended, failure == null ? completed : errors);
                            timeline.record(intended - start, micros);
                            allDone.countDown();
                        });
                    }
                });
            }
            if (to >= total) {
                allIssued.complete(null);
            }
        }, 0, 200, TimeUnit.MICROSECONDS);
        allIssued.join();
        ticker.shutdownNow();
        try {
            allDone.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new LoadResult(completed.get(), errors.get() + (total - completed.get() - errors.get()),
                System.nanoTime() - start, recorder.getIntervalHistogram(), timeline.seconds());
    }

    private static CompletionStage<?> start(Supplier<CompletionStage<?>> operation) {
        try {
            return operation.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static long record(Recorder recorder, long startedNanos, AtomicLong counter) {
        long micros = Math.max(1, (System.nanoTime() - startedNanos) / 1000);
        recorder.recordValue(Math.min(micros, MAX_LATENCY_MICROS));
        counter.incrementAndGet();
        return micros;
    }
}
