package io.tally.payments.payment;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.tally.common.db.ScheduledPasses;
import io.tally.common.db.Transactions;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Expires pending payments the provider never settled. Rows are taken with SKIP LOCKED, so replicas share the
 * work and a webhook confirming a payment right now is never overtaken: it holds the row, and its confirmation
 * wins (a confirmation after expiry is legal anyway, see PaymentStatus).
 */
@ApplicationScoped
public class PaymentJanitor {

    private static final Logger LOG = Logger.getLogger(PaymentJanitor.class);
    private static final int BATCH = 500;

    private final Transactions transactions;
    private final PaymentRepository payments;
    private final PaymentTransitions transitions;

    public PaymentJanitor(Transactions transactions, PaymentRepository payments, PaymentTransitions transitions) {
        this.transactions = transactions;
        this.payments = payments;
        this.transitions = transitions;
    }

    @Scheduled(every = "${tally.payments.janitor-every:1m}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return ScheduledPasses.logFailures(expireOnce(), LOG, "Payment janitor");
    }

    /** One pass; returns how many payments it expired. */
    public Uni<Integer> expireOnce() {
        return transactions.write(conn -> payments.lockExpired(conn, BATCH)
                .flatMap(expired -> transitions.write(conn, expired.stream()
                                .map(p -> PaymentTransitions.decide(p, PaymentStatus.EXPIRED, "janitor",
                                        "not confirmed before " + p.expiresAt()))
                                .toList())
                        .replaceWith(expired.size())));
    }
}
