package io.tally.credits.reconciliation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.tally.common.db.ScheduledPass;
import io.tally.credits.config.CreditsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Periodically proves I1 and I2. Each run checks the accounts changed and the transactions written since the
 * previous run ({@link ReconciliationWindow}; every change to an account moves its updated_at, a hand-written UPDATE
 * included), and once an hour everything ({@code full-every}; the first run of a process too). What a run finds is
 * kept and checked again on every later run until it is repaired ({@link OpenDrift}), so
 * {@code tally_credits_reconciliation_drift} stays raised for as long as the drift is there. Drift should never
 * happen; if it does, it is a bug or a manual edit, logged at ERROR. The check only reads, so every replica may run
 * it. Repair: POST /credits/admin/accounts/{userId}/repair (docs/operations.md).
 */
@ApplicationScoped
public class ReconciliationJob implements ScheduledPass {

    private static final Logger LOG = Logger.getLogger(ReconciliationJob.class);

    private final ReconciliationRepository repository;
    private final ReconciliationWindow window;
    private final Duration every;
    private final Duration fullEvery;
    private final OpenDrift open = new OpenDrift();
    private volatile Instant lastFullCheck;

    public ReconciliationJob(ReconciliationRepository repository, CreditsConfig config, MeterRegistry registry) {
        this.repository = repository;
        this.window = new ReconciliationWindow(config.reconciliation().lookback(), config.reconciliation().overlap());
        this.every = config.reconciliation().every();
        this.fullEvery = config.reconciliation().fullEvery();
        Gauge.builder("tally.credits.reconciliation.drift", open, OpenDrift::size)
                .description("Accounts and transactions found wrong by reconciliation and not repaired since")
                .register(registry);
    }

    @Override
    public Schedule schedule() {
        return new Schedule("Reconciliation", every, Duration.ofSeconds(20));
    }

    /** One run; fails when the database cannot be read (nothing is then forgotten or moved on). */
    @Override
    public Uni<Void> runOnce() {
        Instant startedAt = Instant.now();
        boolean full = lastFullCheck == null || !startedAt.isBefore(lastFullCheck.plus(fullEvery));
        Set<String> accounts = open.accounts();
        Set<UUID> transactions = open.transactions();
        Uni<ReconciliationReport> found = repository.check(full ? null : window.since(startedAt).atOffset(ZoneOffset.UTC));
        return found.flatMap(report -> repository.recheck(accounts, transactions).invoke(rechecked -> {
            window.checked(startedAt);
            if (full) {
                lastFullCheck = startedAt;
            }
            open.update(report, accounts, transactions, rechecked);
            if (!report.healthy() || !rechecked.healthy()) {
                LOG.errorf("Ledger reconciliation: %d accounts and transactions wrong and not repaired: %s; %s",
                        open.size(), report, rechecked);
            }
        })).replaceWithVoid();
    }

    /** What is wrong and not repaired yet, as of the last run. */
    public int openDrift() {
        return open.size();
    }

    public Set<String> driftedAccounts() {
        return open.accounts();
    }
}
