package io.tally.payments.payment;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.ScheduledPass;
import io.tally.common.outbox.Transactions;
import io.tally.payments.config.PaymentsConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Expires pending payments the provider never settled. Rows are taken with SKIP LOCKED, so replicas share the
 * work and a webhook confirming a payment right now is never overtaken: it holds the row, and its confirmation
 * wins (a confirmation after expiry is legal anyway, see PaymentStatus).
 */
@ApplicationScoped
public class PaymentJanitor implements ScheduledPass {

    private static final int BATCH = 500;

    private final Transactions transactions;
    private final PaymentRepository payments;
    private final PaymentTransitions transitions;
    private final PaymentsConfig config;

    public PaymentJanitor(Transactions transactions, PaymentRepository payments, PaymentTransitions transitions,
                          PaymentsConfig config) {
        this.transactions = transactions;
        this.payments = payments;
        this.transitions = transitions;
        this.config = config;
    }

    @Override
    public Schedule schedule() {
        return new Schedule("Payment janitor", config.janitorEvery(), Duration.ofSeconds(5));
    }

    /** One pass; returns how many payments it expired. */
    @Override
    public Uni<Integer> runOnce() {
        return transactions.write(conn -> payments.lockExpired(conn, BATCH)
                .flatMap(expired -> transitions.write(conn, expired.stream()
                                .map(p -> PaymentTransitions.decide(p, PaymentStatus.EXPIRED, "janitor",
                                        "not confirmed before " + p.expiresAt()))
                                .toList())
                        .replaceWith(expired.size())));
    }
}

