package io.tally.payments.payment;

import io.smallrye.mutiny.Uni;
import io.tally.common.events.TallyEvent;
import io.tally.common.events.payments.PaymentConfirmed;
import io.tally.common.events.payments.PaymentReversed;
import io.tally.common.outbox.OutboxWriter;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Moves a locked payment to another status on the caller's transaction: the row, its transition record and the
 * event credits reacts to (PaymentConfirmed, PaymentReversed) commit together. An illegal transition is recorded
 * and not applied.
 */
@ApplicationScoped
public class PaymentTransitions {

    private final PaymentRepository payments;
    private final OutboxWriter outbox;

    public PaymentTransitions(PaymentRepository payments, OutboxWriter outbox) {
        this.payments = payments;
        this.outbox = outbox;
    }

    /** The payment after the attempt, and whether the transition was legal and applied. */
    public record Result(Payment payment, boolean applied) {
    }

    /**
     * @param source what asked for the move: a webhook delivery, the janitor, checkout
     * @param reason kept on the payment (a failure message, a refund reason)
     */
    public Uni<Result> move(SqlConnection conn, Payment payment, PaymentStatus target, String source, String reason) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        if (!payment.status().canMoveTo(target)) {
            return refuse(conn, payment, target, source, "illegal: " + payment.status().dbValue() + " → "
                    + target.dbValue()).replaceWith(new Result(payment, false));
        }
        Payment moved = payment.moved(target, reason, now);
        return payments.save(conn, moved)
                .chain(() -> payments.recordTransition(conn, payment, target, true, source, reason, now))
                .chain(() -> eventOf(moved) == null ? Uni.createFrom().voidItem() : outbox.append(conn, eventOf(moved)))
                .replaceWith(new Result(moved, true));
    }

    /** Records a transition that was asked for and not applied, with why. */
    public Uni<Void> refuse(SqlConnection conn, Payment payment, PaymentStatus target, String source, String why) {
        return payments.recordTransition(conn, payment, target, false, source, why, OffsetDateTime.now(ZoneOffset.UTC));
    }

    /** What credits-service must hear about a payment that just reached its status. */
    static TallyEvent eventOf(Payment p) {
        return switch (p.status()) {
            case CONFIRMED -> new PaymentConfirmed(p.id(), p.userId(), p.credits(), p.amountMinor(), p.currency(),
                    p.provider(), p.cycle());
            case REFUNDED -> new PaymentReversed(p.id(), p.userId(), p.credits(), "refunded", p.provider(), p.cycle());
            case CHARGED_BACK -> new PaymentReversed(p.id(), p.userId(), p.credits(), "charged_back", p.provider(),
                    p.cycle());
            case PENDING, FAILED, EXPIRED -> null;
        };
    }
}
