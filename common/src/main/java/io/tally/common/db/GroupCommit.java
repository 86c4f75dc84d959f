package io.tally.common.db;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Group commit for request paths. Each call queues its item and waits; whenever fewer than
 * {@code maxConcurrentBatches} batches are running, everything queued (up to {@code maxBatchSize}) leaves as one
 * batch, which the executor applies in one transaction. Alone, a call runs at once in a batch of one; under load,
 * the calls that arrive while a batch commits share the next one, so a commit (and its WAL flush) is paid once
 * per batch instead of once per call.
 *
 * <p>The queue is bounded ({@link #QUEUED_BATCHES} full batches): past that, a call is answered 503 with
 * {@code Retry-After} at once instead of waiting behind work the database cannot keep up with (a held lock, an
 * overload), which would only grow memory and time out clients, who retry and add to it.
 *
 * @param <I> what a call submits
 * @param <O> what it gets back; the executor answers one per item, in order
 */
public final class GroupCommit<I, O> {

    /** How many full batches may wait; at the measured commit rates, well under a second of work. */
    public static final int QUEUED_BATCHES = 16;
    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    private final Function<List<I>, Uni<List<O>>> executor;
    private final int maxBatchSize;
    private final int maxConcurrentBatches;
    private final int maxQueued;
    private final ArrayDeque<Pending<I, O>> queue = new ArrayDeque<>();
    private int running;

    public GroupCommit(Function<List<I>, Uni<List<O>>> executor, int maxBatchSize, int maxConcurrentBatches) {
        this.executor = executor;
        this.maxBatchSize = maxBatchSize;
        this.maxConcurrentBatches = maxConcurrentBatches;
        this.maxQueued = QUEUED_BATCHES * maxBatchSize;
    }

    /** Attempts of a batch that meets transient trouble (a deadlock, a lost connection) before its callers hear. */
    static final int TRANSIENT_ATTEMPTS = 8;

    /**
     * The one batch executor of every group-committed write path, around {@code together} (which applies a whole
     * batch in one transaction). Transient trouble retries the batch (up to {@value #TRANSIENT_ATTEMPTS} times, 20 to
     * 500 ms apart), then fails the whole batch with it: every caller gets the same 503 (or, on the event path, the
     * consumer waits and tries again), and splitting would only multiply the attempts. Any other failure splits the
     * batch and applies the items one by one, so one bad item fails alone, answered by {@code failedAlone}.
     */
    public static <I, O> Function<List<I>, Uni<List<O>>> splittingOnFailure(Function<List<I>, Uni<List<O>>> together,
                                                                           BiFunction<I, Throwable, O> failedAlone) {
        return new Function<>() {
            @Override
            public Uni<List<O>> apply(List<I> batch) {
                return Uni.createFrom().deferred(() -> together.apply(batch))
                        .onFailure(TransientFailures::is).retry()
                        .withBackOff(Duration.ofMillis(20), Duration.ofMillis(500)).atMost(TRANSIENT_ATTEMPTS - 1)
                        .onFailure(failure -> !TransientFailures.is(failure)).recoverWithUni(failure -> {
                            if (batch.size() == 1) {
                                return Uni.createFrom().item(List.of(failedAlone.apply(batch.get(0), failure)));
                            }
                            LOG.warnf("A batch of %d failed (%s); applying its items one by one", batch.size(),
                                    failure.toString());
                            return Multi.createFrom().iterable(batch)
                                    .onItem().transformToUniAndConcatenate(one -> apply(List.of(one))
                                            .map(answers -> answers.get(0)))
                                    .collect().asList();
                        });
            }
        };
    }

    /**
     * More items wait than {@link #submit} accepts: nothing of this item was done. A request answers 503 with
     * Retry-After (ProblemMappers); a consumer retries.
     */
    public static final class Overloaded extends RuntimeException {
        public Overloaded() {
            super("more items are waiting for the database than it can serve soon", null, false, false);
        }
    }

    public Uni<O> submit(I item) {
        return Uni.createFrom().emitter(emitter -> {
            Pending<I, O> pending = new Pending<>(item, (answer, failure) -> {
                if (failure != null) {
                    emitter.fail(failure);
                } else {
                    emitter.complete(answer);
                }
            });
            if (!enqueue(List.of(pending))) {
                emitter.fail(new Overloaded());
            }
        });
    }

    /**
     * Queues {@code items} together, so they leave in as few batches as fit instead of one call's worth at a time,
     * and answers them all at once, in order. An item whose batch failed as a whole (transient trouble that outlasted
     * the retries) is answered by {@code failed}; when the queue has no room for all of them, none is queued and the
     * call fails with {@link Overloaded}.
     */
    public Uni<List<O>> submitAll(List<I> items, BiFunction<I, Throwable, O> failed) {
        if (items.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.createFrom().emitter(emitter -> {
            Object[] answers = new Object[items.size()];
            AtomicInteger left = new AtomicInteger(items.size());
            List<Pending<I, O>> pending = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                int slot = i;
                I item = items.get(i);
                pending.add(new Pending<>(item, (answer, failure) -> {
                    answers[slot] = failure == null ? answer : failed.apply(item, failure);
                    if (left.decrementAndGet() == 0) {
                        @SuppressWarnings("unchecked")
                        List<O> all = (List<O>) Collections.unmodifiableList(Arrays.asList(answers));
                        emitter.complete(all);
                    }
                }));
            }
            if (!enqueue(pending)) {
                emitter.fail(new Overloaded());
            }
        });
    }

    /**
     * Queues all of {@code pending} or, past the bound, none of it (false); then starts as many batches as may run,
     * so items that need more than one batch do not wait for the first to finish.
     */
    private boolean enqueue(List<Pending<I, O>> pending) {
        synchronized (this) {
            if (queue.size() + pending.size() > maxQueued) {
                return false;
            }
            queue.addAll(pending);
        }
        for (int batches = 0; batches < maxConcurrentBatches; batches++) {
            drain();
        }
        return true;
    }

    private void drain() {
        List<Pending<I, O>> batch;
        synchronized (this) {
            if (running >= maxConcurrentBatches || queue.isEmpty()) {
                return;
            }
            batch = new ArrayList<>(Math.min(queue.size(), maxBatchSize));
            while (!queue.isEmpty() && batch.size() < maxBatchSize) {
                batch.add(queue.poll());
            }
            running++;
        }
        Uni.createFrom().deferred(() -> executor.apply(batch.stream().map(Pending::item).toList()))
                .subscribe().with(results -> finish(batch, results, null), failure -> finish(batch, null, failure));
    }

    private void finish(List<Pending<I, O>> batch, List<O> results, Throwable failure) {
        synchronized (this) {
            running--;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().accept(failure == null ? results.get(i) : null, failure);
        }
        drain();
    }

    /** A queued item and who hears its answer (or its batch's failure). */
    private record Pending<I, O>(I item, BiConsumer<O, Throwable> done) {
    }
}
