package io.tally.payments.payment;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Objects;
import java.util.Optional;

/**
 * Applies a verified provider event to its payment, on the caller's transaction, at most once.
 *
 * <p>The payment row is locked first, then the event is claimed in {@code webhook_events} (primary key
 * provider + event id): a redelivery, or a concurrent delivery of the same event, finds the claim and changes
 * nothing. The decision is the database's unique constraint, not a read before the write. An event naming no
 * known payment is not claimed, so the provider's retry can still apply it once the payment exists.
 */
@ApplicationScoped
public class PaymentEvents {

    private static final String CLAIM = """
            INSERT INTO webhook_events (provider, event_id, payment_id) VALUES ($1, $2, $3)
            ON CONFLICT DO NOTHING""";

    private final PaymentRepository payments;
    private final PaymentTransitions transitions;
    private final ParkedEvents parked;

    public PaymentEvents(PaymentRepository payments, PaymentTransitions transitions, ParkedEvents parked) {
        this.payments = payments;
        this.transitions = transitions;
        this.parked = parked;
    }

    public Uni<Outcome> receive(SqlConnection conn, ProviderEvent event, String source) {
        return lock(conn, event).flatMap(found -> {
            Payment payment = found.orElse(null);
            if (payment == null && !waitsForItsPayment(event)) {
                return Uni.createFrom().item(Outcome.of(Outcome.Kind.UNKNOWN_PAYMENT, null,
                        "no payment with " + (event.reference() != null ? "reference " + event.reference()
                                : event.provider() + " payment id " + event.providerPaymentId())));
            }
            return claim(conn, event, payment).flatMap(claimed -> {
                if (!claimed) {
                    return Uni.createFrom().item(Outcome.of(Outcome.Kind.DUPLICATE, payment,
                            "event " + event.eventId() + " was delivered before"));
                }
                if (payment == null) {
                    return parked.park(conn, event).replaceWith(Outcome.of(Outcome.Kind.OUT_OF_ORDER, null,
                            "kept until " + event.provider() + " payment " + event.providerPaymentId() + " is known"));
                }
                return apply(conn, payment, event, source);
            });
        });
    }

    /** Applies the events that were waiting for this payment (after its confirmation or token registration). */
    public Uni<Payment> releaseParked(SqlConnection conn, Payment payment, String source) {
        if (payment.providerPaymentId() == null) {
            return Uni.createFrom().item(payment);
        }
        Payment[] current = {payment};
        return parked.takeWaiting(conn, payment.provider(), payment.providerPaymentId())
                .flatMap(waiting -> Multi.createFrom().iterable(waiting)
                        .onItem().transformToUniAndConcatenate(event -> apply(conn, current[0], event, source)
                                .call(() -> payments.lockByProviderId(conn, payment.provider(), payment.providerPaymentId())
                                        .invoke(reloaded -> reloaded.ifPresent(p -> current[0] = p))))
                        .collect().last())
                .map(ignored -> current[0]);
    }

    private Uni<Outcome> apply(SqlConnection conn, Payment payment, ProviderEvent event, String source) {
        ProviderEvent.Kind kind = event.kind();
        if (kind == ProviderEvent.Kind.IGNORED) {
            return Uni.createFrom().item(Outcome.of(Outcome.Kind.IGNORED, payment, event.detail()));
        }
        if (!payment.provider().equals(event.provider())) {
            return Uni.createFrom().item(Outcome.of(Outcome.Kind.MISMATCH, payment,
                    "payment was made through " + payment.provider()));
        }
        if (payment.status() == kind.target() && kind != ProviderEvent.Kind.DISPUTE_WON
                && kind != ProviderEvent.Kind.REFUND_REVERSED) {
            return Uni.createFrom().item(Outcome.of(Outcome.Kind.DUPLICATE, payment,
                    "payment is already " + payment.status().dbValue()));
        }
        if (kind.isReversal() && payment.status() == PaymentStatus.PENDING && event.providerPaymentId() != null) {
            return parked.park(conn, event).replaceWith(Outcome.of(Outcome.Kind.OUT_OF_ORDER, payment,
                    "kept until the payment is confirmed"));
        }
        if (!kind.legalFrom(payment.status())) {
            return transitions.refuse(conn, payment, kind.target(), source, event.type())
                    .replaceWith(Outcome.of(Outcome.Kind.ILLEGAL_TRANSITION, payment,
                            event.type() + " cannot apply to a " + payment.status().dbValue() + " payment"));
        }
        if (kind == ProviderEvent.Kind.CONFIRMED) {
            String mismatch = mismatch(payment, event);
            if (mismatch != null) {
                return transitions.refuse(conn, payment, kind.target(), source, mismatch)
                        .replaceWith(Outcome.of(Outcome.Kind.MISMATCH, payment, mismatch));
            }
            return transitions.move(conn, bindProviderId(payment, event), kind.target(), source, event.type())
                    .flatMap(moved -> releaseParked(conn, moved.payment(), source))
                    .map(after -> Outcome.of(Outcome.Kind.APPLIED, after, event.type()));
        }
        return transitions.move(conn, bindProviderId(payment, event), kind.target(), source,
                        event.detail() != null ? event.detail() : event.type())
                .map(moved -> Outcome.of(Outcome.Kind.APPLIED, moved.payment(), event.type()));
    }

    /** The provider's id is learnt from the first event that names both it and our reference. */
    private static Payment bindProviderId(Payment payment, ProviderEvent event) {
        return payment.providerPaymentId() == null && event.providerPaymentId() != null
                ? payment.withProviderPaymentId(event.providerPaymentId()) : payment;
    }

    /** Why a confirmation does not fit its payment, or null when it does. */
    private static String mismatch(Payment payment, ProviderEvent event) {
        if (event.amountMinor() != null && event.amountMinor() != payment.amountMinor()) {
            return "amount " + event.amountMinor() + " differs from the payment's " + payment.amountMinor();
        }
        if (event.currency() != null && !event.currency().equalsIgnoreCase(payment.currency())) {
            return "currency " + event.currency() + " differs from the payment's " + payment.currency();
        }
        if (event.product() != null && !event.product().equals(payment.packageCode())) {
            return "product " + event.product() + " differs from the payment's package " + payment.packageCode();
        }
        if (payment.providerPaymentId() != null && event.providerPaymentId() != null
                && !Objects.equals(payment.providerPaymentId(), event.providerPaymentId())) {
            return "provider payment id " + event.providerPaymentId() + " differs from the payment's";
        }
        return null;
    }

    private Uni<Optional<Payment>> lock(SqlConnection conn, ProviderEvent event) {
        if (event.reference() != null) {
            return payments.lockByReference(conn, event.reference());
        }
        if (event.providerPaymentId() != null) {
            return payments.lockByProviderId(conn, event.provider(), event.providerPaymentId());
        }
        return Uni.createFrom().item(Optional.empty());
    }

    /**
     * Reversals, and confirmations that only know the provider's id (Play purchases before the app registered
     * the token), wait for their payment instead of being dropped.
     */
    private static boolean waitsForItsPayment(ProviderEvent event) {
        return event.providerPaymentId() != null && (event.kind().isReversal()
                || (event.kind() == ProviderEvent.Kind.CONFIRMED && event.reference() == null));
    }

    private static Uni<Boolean> claim(SqlConnection conn, ProviderEvent event, Payment payment) {
        return conn.preparedQuery(CLAIM).execute(Tuple.of(event.provider(), event.eventId(),
                payment == null ? null : payment.id())).map(rows -> rows.rowCount() == 1);
    }
}
