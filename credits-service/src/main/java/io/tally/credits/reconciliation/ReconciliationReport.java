package io.tally.credits.reconciliation;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Invariants I1 and I2: both lists are empty when the ledger is healthy. */
public record ReconciliationReport(boolean healthy, List<AccountDrift> accounts,
                                   List<UnbalancedTransaction> transactions, OffsetDateTime checkedAt) {

    /** An account whose cached balances differ from the sums of its entries. */
    public record AccountDrift(String userId, long balance, long ledgerBalance, long earnings, long ledgerEarnings,
                               long debt, long ledgerDebt, long held, long ledgerHeld, long promotional,
                               long ledgerPromotional, long frozen, long ledgerFrozen) {
    }

    /** A transaction whose entries do not sum to zero. */
    public record UnbalancedTransaction(UUID transactionId, long sum) {
    }

    public int problems() {
        return accounts.size() + transactions.size();
    }
}
