package io.tally.credits.reconciliation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.tally.credits.config.CreditsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Periodically proves I1 and I2 for the accounts changed and the transactions written since the previous check
 * ({@link ReconciliationWindow}). Drift should never happen; if it does, it is a bug or a manual edit, so it is
 * logged at ERROR and exported as {@code tally_credits_reconciliation_drift} for alerting. The check only reads, so
 * every replica may run it.
 */
@ApplicationScoped
public class ReconciliationJob {

    private static final Logger LOG = Logger.getLogger(ReconciliationJob.class);

    private final ReconciliationRepository repository;
    private final ReconciliationWindow window;
    private final AtomicInteger drift = new AtomicInteger();

    public ReconciliationJob(ReconciliationRepository repository, CreditsConfig config, MeterRegistry registry) {
        this.repository = repository;
        this.window = new ReconciliationWindow(config.reconciliation().lookback(), config.reconciliation().overlap());
        Gauge.builder("tally.credits.reconciliation.drift", drift, AtomicInteger::get)
                .description("Accounts and transactions that failed the last reconciliation")
                .register(registry);
    }

    @Scheduled(every = "${tally.credits.reconciliation.every:1m}", delayed = "20s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> run() {
        Instant startedAt = Instant.now();
        return repository.check(window.since(startedAt).atOffset(ZoneOffset.UTC)).invoke(report -> {
            window.checked(startedAt);
            drift.set(report.problems());
            if (!report.healthy()) {
                LOG.errorf("Ledger reconciliation found drift: %s", report);
            }
        }).replaceWithVoid().onFailure().invoke(e -> LOG.warnf("Reconciliation failed: %s", e.toString()))
                .onFailure().recoverWithNull();
    }
}
