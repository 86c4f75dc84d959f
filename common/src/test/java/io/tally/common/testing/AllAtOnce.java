package io.tally.common.testing;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/** Sends {@code copies} requests released together by a barrier, each on its own thread; answers in order. */
public final class AllAtOnce {

    private AllAtOnce() {
    }

    public static <T> List<T> run(int copies, Supplier<T> request) {
        CyclicBarrier start = new CyclicBarrier(copies);
        ExecutorService threads = Executors.newFixedThreadPool(copies);
        try {
            List<CompletableFuture<T>> calls = IntStream.range(0, copies)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                        try {
                            start.await();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        return request.get();
                    }, threads)).toList();
            return calls.stream().map(CompletableFuture::join).toList();
        } finally {
            threads.shutdown();
        }
    }
}
