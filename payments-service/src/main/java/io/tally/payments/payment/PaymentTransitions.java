package io.tally.payments.payment;

import io.smallrye.mutiny.Uni;
import io.tally.common.events.TallyEvent;
import io.tally.common.events.payments.PaymentConfirmed;
import io.tally.common.events.payments.PaymentReversed;
import io.tally.common.outbox.OutboxWriter;
import io.tally.common.outbox.OutgoingEvent;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Moves payments between statuses. A move is decided in memory ({@link #decide}: the new row, its transition
 * record and the event credits reacts to — PaymentConfirmed, PaymentReversed) and written with others on the
 * caller's transaction ({@link #write}), so a batch of webhooks costs a handful of statements. An illegal
 * transition is recorded and not applied.
 */
@ApplicationScoped
public class PaymentTransitions {

    private final PaymentRepository payments;
    private final OutboxWriter outbox;

    public PaymentTransitions(PaymentRepository payments, OutboxWriter outbox) {
        this.payments = payments;
        this.outbox = outbox;
    }

    /**
     * A transition asked for: {@code after} is null when it was refused.
     *
     * @param source what asked for the move: a webhook delivery, the janitor, checkout
     */
    public record Change(Payment before, Payment after, PaymentStatus target, String source, String detail,
                         OffsetDateTime at) {

        public boolean applied() {
            return after != null;
        }

        /** The payment once this change is through (unchanged when refused). */
        public Payment result() {
            return applied() ? after : before;
        }
    }

    /** @param reason kept on the payment (a failure message, a refund reason) */
    public static Change decide(Payment payment, PaymentStatus target, String source, String reason) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        if (!payment.status().canMoveTo(target)) {
            return refusal(payment, target, source, "illegal: " + payment.status().dbValue() + " → " + target.dbValue());
        }
        return new Change(payment, payment.moved(target, reason, now), target, source, reason, now);
    }

    /** A transition that was asked for and is not applied, with why. */
    public static Change refusal(Payment payment, PaymentStatus target, String source, String why) {
        return new Change(payment, null, target, source, why, OffsetDateTime.now(ZoneOffset.UTC));
    }

    /**
     * Writes the changes in order: each payment's final row, every transition record, the events (each in its
     * payment's trace, whichever webhook or sweep moved it).
     */
    public Uni<Void> write(SqlConnection conn, List<Change> changes) {
        Map<UUID, Payment> finalRows = new LinkedHashMap<>();
        List<OutgoingEvent> events = new ArrayList<>();
        for (Change change : changes) {
            if (change.applied()) {
                finalRows.put(change.after().id(), change.after());
                TallyEvent event = eventOf(change.after());
                if (event != null) {
                    events.add(new OutgoingEvent(event, change.after().traceParent()));
                }
            }
        }
        return payments.saveAll(conn, finalRows.values())
                .chain(() -> payments.recordTransitions(conn, changes))
                .chain(() -> outbox.appendTraced(conn, events));
    }

    /** Decides and writes one move. */
    public Uni<Change> move(SqlConnection conn, Payment payment, PaymentStatus target, String source, String reason) {
        Change change = decide(payment, target, source, reason);
        return write(conn, List.of(change)).replaceWith(change);
    }

    /** What credits-service must hear about a payment that just reached its status. */
    static TallyEvent eventOf(Payment p) {
        Objects.requireNonNull(p);
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
