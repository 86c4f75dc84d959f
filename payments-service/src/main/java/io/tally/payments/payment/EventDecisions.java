package io.tally.payments.payment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The rules that turn provider events into payment transitions, applied in memory to a batch of locked payments.
 * What they decide (transitions, events to park, payments newly confirmed) is written afterwards in a few
 * statements by {@link PaymentEvents}.
 */
final class EventDecisions {

    private final Map<UUID, Payment> byId = new LinkedHashMap<>();
    private final Map<UUID, UUID> byReference = new HashMap<>();
    private final Map<String, UUID> byProviderId = new HashMap<>();
    private final List<PaymentTransitions.Change> changes = new ArrayList<>();
    private List<ProviderEvent> parks = new ArrayList<>();
    private Map<UUID, Payment> newlyConfirmed = new LinkedHashMap<>();

    EventDecisions(List<Payment> locked) {
        locked.forEach(this::track);
    }

    /** The payment an event names, as it stands after the decisions so far; null when unknown. */
    Payment find(ProviderEvent event) {
        UUID id = event.reference() != null ? byReference.get(event.reference())
                : event.providerPaymentId() != null ? byProviderId.get(key(event.provider(), event.providerPaymentId()))
                : null;
        return id == null ? null : byId.get(id);
    }

    Payment current(UUID id) {
        return byId.get(id);
    }

    void park(ProviderEvent event) {
        parks.add(event);
    }

    /** Events Tally does not act on never come here: {@link PaymentEvents} answers them {@code ignored} first. */
    Outcome apply(Payment payment, ProviderEvent event, String source) {
        ProviderEvent.Kind kind = event.kind();
        if (!payment.provider().equals(event.provider())) {
            return Outcome.of(Outcome.Kind.MISMATCH, payment, "payment was made through " + payment.provider());
        }
        if (kind == ProviderEvent.Kind.CONFIRMED && payment.status() == PaymentStatus.CONFIRMED
                && otherProviderId(payment, event)) {
            // Two successful charges for one payment (two PaymentIntents, two QR codes paid): the second is money
            // taken for nothing, for an operator to refund, not a harmless duplicate.
            return Outcome.of(Outcome.Kind.MISMATCH, payment, "a second successful charge "
                    + event.providerPaymentId() + " for a payment already confirmed; refund it at the provider");
        }
        if (payment.status() == kind.target() && kind != ProviderEvent.Kind.DISPUTE_WON
                && kind != ProviderEvent.Kind.REFUND_REVERSED) {
            return Outcome.of(Outcome.Kind.DUPLICATE, payment, "payment is already " + payment.status().dbValue());
        }
        if (kind.isReversal() && ProviderEvent.Kind.CONFIRMED.legalFrom(payment.status())
                && event.providerPaymentId() != null) {
            // Pending, failed or expired: a confirmation can still come (a retried card, a late success), and the
            // reversal must then apply to it rather than be lost.
            parks.add(event);
            return Outcome.of(Outcome.Kind.OUT_OF_ORDER, payment, "kept until the payment is confirmed");
        }
        if (!kind.legalFrom(payment.status())) {
            record(PaymentTransitions.refusal(payment, kind.target(), source, event.type()));
            return Outcome.of(Outcome.Kind.ILLEGAL_TRANSITION, payment,
                    event.type() + " cannot apply to a " + payment.status().dbValue() + " payment");
        }
        String mismatch = kind == ProviderEvent.Kind.CONFIRMED ? mismatch(payment, event) : null;
        if (mismatch != null) {
            record(PaymentTransitions.refusal(payment, kind.target(), source, mismatch));
            return Outcome.of(Outcome.Kind.MISMATCH, payment, mismatch);
        }
        String reason = kind == ProviderEvent.Kind.CONFIRMED || event.detail() == null ? event.type() : event.detail();
        Payment moved = record(PaymentTransitions.decide(bindProviderId(payment, event), kind.target(), source, reason));
        if (moved.status() == PaymentStatus.CONFIRMED && moved.providerPaymentId() != null) {
            newlyConfirmed.put(moved.id(), moved);
        }
        return Outcome.of(Outcome.Kind.APPLIED, moved, event.type());
    }

    /** Events to park, once; the list starts afresh. */
    List<ProviderEvent> takeParks() {
        List<ProviderEvent> taken = parks;
        parks = new ArrayList<>();
        return taken;
    }

    /** Payments confirmed since the last call, whose parked events may now apply. */
    List<Payment> takeNewlyConfirmed() {
        List<Payment> taken = List.copyOf(newlyConfirmed.values());
        newlyConfirmed = new LinkedHashMap<>();
        return taken;
    }

    /** Treats a payment as just confirmed: its parked events are released (a Play token was registered). */
    void releaseFor(Payment payment) {
        newlyConfirmed.put(payment.id(), payment);
    }

    List<PaymentTransitions.Change> changes() {
        return changes;
    }

    private Payment record(PaymentTransitions.Change change) {
        changes.add(change);
        track(change.result());
        return change.result();
    }

    private void track(Payment payment) {
        byId.put(payment.id(), payment);
        byReference.put(payment.reference(), payment.id());
        if (payment.providerPaymentId() != null) {
            byProviderId.put(key(payment.provider(), payment.providerPaymentId()), payment.id());
        }
    }

    private static String key(String provider, String providerPaymentId) {
        return provider + '\u0000' + providerPaymentId;
    }

    /**
     * The provider's id is learnt from the first event that names both it and our reference, except a failure: a
     * failed attempt (an expired QR code, a declined PaymentIntent) is not the payment, and the retry that succeeds
     * may carry a new id. A confirmation after a failure or expiry takes its own id.
     */
    private static Payment bindProviderId(Payment payment, ProviderEvent event) {
        if (event.providerPaymentId() == null || event.kind() == ProviderEvent.Kind.FAILED) {
            return payment;
        }
        boolean retried = event.kind() == ProviderEvent.Kind.CONFIRMED && isRetryable(payment.status());
        return payment.providerPaymentId() == null || retried ? payment.withProviderPaymentId(event.providerPaymentId())
                : payment;
    }

    /** A payment a new attempt may still confirm, under a new provider id. */
    private static boolean isRetryable(PaymentStatus status) {
        return status == PaymentStatus.FAILED || status == PaymentStatus.EXPIRED;
    }

    private static boolean otherProviderId(Payment payment, ProviderEvent event) {
        return payment.providerPaymentId() != null && event.providerPaymentId() != null
                && !payment.providerPaymentId().equals(event.providerPaymentId());
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
        if (otherProviderId(payment, event) && !isRetryable(payment.status())) {
            return "provider payment id " + event.providerPaymentId() + " differs from the payment's";
        }
        return null;
    }
}
