package io.tally.credits.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.credits.reconciliation.ReconciliationReport.AccountDrift;
import io.tally.credits.reconciliation.ReconciliationReport.UnbalancedTransaction;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Drift found once stays counted, run after run, until a recheck finds it repaired (reviews: ledger H2). */
@Tag("unit")
class OpenDriftTest {

    private static final ReconciliationReport HEALTHY = new ReconciliationReport(true, List.of(), List.of(),
            OffsetDateTime.now());

    private static ReconciliationReport drifted(String user) {
        return new ReconciliationReport(false, List.of(new AccountDrift(user, 10_050, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), List.of(),
                OffsetDateTime.now());
    }

    @Test
    void anAccountFoundOnceStaysOpenUntilARecheckSaysItIsRepaired() {
        OpenDrift open = new OpenDrift();
        open.update(drifted("hand-edited"), Set.of(), Set.of(), HEALTHY);
        assertThat(open.accounts()).containsExactly("hand-edited");

        // Later runs: the window no longer sees the account (it did not change again); the recheck still does.
        for (int run = 0; run < 3; run++) {
            Set<String> rechecked = open.accounts();
            open.update(HEALTHY, rechecked, Set.of(), drifted("hand-edited"));
            assertThat(open.size()).as("run " + run).isEqualTo(1);
        }

        open.update(HEALTHY, open.accounts(), Set.of(), HEALTHY);
        assertThat(open.size()).isZero();
    }

    @Test
    void anUnbalancedTransactionStaysOpenWhileItIsUnbalanced() {
        OpenDrift open = new OpenDrift();
        UUID transaction = UUID.randomUUID();
        ReconciliationReport unbalanced = new ReconciliationReport(false, List.of(),
                List.of(new UnbalancedTransaction(transaction, 40)), OffsetDateTime.now());
        open.update(unbalanced, Set.of(), Set.of(), HEALTHY);
        open.update(HEALTHY, Set.of(), open.transactions(), unbalanced);
        assertThat(open.transactions()).containsExactly(transaction);
    }
}
