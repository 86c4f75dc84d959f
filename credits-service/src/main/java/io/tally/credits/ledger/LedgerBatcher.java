package io.tally.credits.ledger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.tally.credits.config.CreditsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Group commit for API calls. Each call queues its operation and waits; whenever fewer than
 * {@code maxConcurrentBatches} batches are running, everything queued (up to {@code maxBatchSize}) leaves as
 * one batch. Alone, a call runs at once in a batch of one; under load, calls that arrive while a batch
 * commits share the next one, which is what lets one hot account take thousands of charges a second.
 */
@ApplicationScoped
public class LedgerBatcher {

    private final LedgerBatchExecutor executor;
    private final int maxBatchSize;
    private final int maxConcurrentBatches;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int running;

    public LedgerBatcher(LedgerBatchExecutor executor, CreditsConfig config) {
        this.executor = executor;
        this.maxBatchSize = config.batching().maxBatchSize();
        this.maxConcurrentBatches = config.batching().maxConcurrentBatches();
    }

    public Uni<OperationResult> submit(LedgerOperation operation) {
        return Uni.createFrom().emitter(emitter -> {
            synchronized (this) {
                queue.add(new Pending(Submitted.fromApi(operation), emitter));
            }
            drain();
        });
    }

    private void drain() {
        List<Pending> batch;
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
        executor.execute(batch.stream().map(Pending::submitted).toList()).subscribe().with(
                results -> finish(batch, results, null),
                failure -> finish(batch, null, failure));
    }

    private void finish(List<Pending> batch, List<OperationResult> results, Throwable failure) {
        synchronized (this) {
            running--;
        }
        for (int i = 0; i < batch.size(); i++) {
            if (failure != null) {
                batch.get(i).emitter().fail(failure);
            } else {
                batch.get(i).emitter().complete(results.get(i));
            }
        }
        drain();
    }

    private record Pending(Submitted submitted, UniEmitter<? super OperationResult> emitter) {
    }
}
