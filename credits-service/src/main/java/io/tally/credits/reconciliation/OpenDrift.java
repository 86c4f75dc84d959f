package io.tally.credits.reconciliation;

import io.tally.credits.reconciliation.ReconciliationReport.AccountDrift;
import io.tally.credits.reconciliation.ReconciliationReport.UnbalancedTransaction;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The drift found and not yet repaired. A check of the recent window sees an account only while it keeps changing,
 * so what a check found is kept here and checked again by id on every run, until a check says it is healthy: the
 * drift gauge stays raised for as long as the drift is there, not for one or two runs.
 */
final class OpenDrift {

    private final Set<String> accounts = new TreeSet<>();
    private final Set<UUID> transactions = new TreeSet<>();

    synchronized Set<String> accounts() {
        return Set.copyOf(accounts);
    }

    synchronized Set<UUID> transactions() {
        return Set.copyOf(transactions);
    }

    /**
     * After a run: {@code found} is what the run's window found; {@code rechecked} what is still wrong of
     * {@code accounts} and {@code transactions} as they stood when the run began.
     */
    synchronized void update(ReconciliationReport found, Set<String> recheckedAccounts, Set<UUID> recheckedTransactions,
                             ReconciliationReport rechecked) {
        accounts.removeAll(recheckedAccounts);
        transactions.removeAll(recheckedTransactions);
        for (ReconciliationReport report : new ReconciliationReport[] {found, rechecked}) {
            report.accounts().stream().map(AccountDrift::userId).forEach(accounts::add);
            report.transactions().stream().map(UnbalancedTransaction::transactionId).forEach(transactions::add);
        }
    }

    synchronized int size() {
        return accounts.size() + transactions.size();
    }
}
