package io.tally.credits.ledger;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.GroupCommit;
import io.tally.credits.config.CreditsConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Group commit for API calls: operations that arrive while a batch commits share the next one, which is what lets
 * one hot account take thousands of charges a second (see {@link GroupCommit}).
 */
@ApplicationScoped
public class LedgerBatcher {

    private final GroupCommit<Submitted, OperationResult> groupCommit;

    public LedgerBatcher(LedgerBatchExecutor executor, CreditsConfig config) {
        this.groupCommit = new GroupCommit<>(executor::execute, config.batching().maxBatchSize(),
                config.batching().maxConcurrentBatches());
    }

    public Uni<OperationResult> submit(LedgerOperation operation) {
        return groupCommit.submit(Submitted.fromApi(operation));
    }
}
