package io.tally.payments.payment;

import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * A verified provider notification in Tally's terms, whatever the provider's format. It names its payment by our
 * {@code reference} (Stripe metadata, PromptPay reference, Apple appAccountToken) or by the provider's own id
 * ({@code providerPaymentId}: PaymentIntent id, transaction id, Play purchase token). Amount, currency and product
 * are checked against the payment when present.
 */
public record ProviderEvent(String provider, String eventId, String type, Kind kind, UUID reference,
                            String providerPaymentId, Long amountMinor, String currency, String product,
                            String detail) {

    /** What the notification asks of the payment, and from which statuses that is legal. */
    public enum Kind {
        CONFIRMED(PaymentStatus.CONFIRMED, EnumSet.of(PaymentStatus.PENDING, PaymentStatus.FAILED, PaymentStatus.EXPIRED)),
        FAILED(PaymentStatus.FAILED, EnumSet.of(PaymentStatus.PENDING)),
        REFUNDED(PaymentStatus.REFUNDED, EnumSet.of(PaymentStatus.CONFIRMED)),
        DISPUTE_OPENED(PaymentStatus.CHARGED_BACK, EnumSet.of(PaymentStatus.CONFIRMED)),
        DISPUTE_WON(PaymentStatus.CONFIRMED, EnumSet.of(PaymentStatus.CHARGED_BACK)),
        REFUND_REVERSED(PaymentStatus.CONFIRMED, EnumSet.of(PaymentStatus.REFUNDED)),
        /** A type Tally does not act on (a partial refund, a lost dispute, a test notification…). */
        IGNORED(null, Set.of());

        private final PaymentStatus target;
        private final Set<PaymentStatus> from;

        Kind(PaymentStatus target, Set<PaymentStatus> from) {
            this.target = target;
            this.from = from;
        }

        public PaymentStatus target() {
            return target;
        }

        public boolean legalFrom(PaymentStatus status) {
            return from.contains(status);
        }

        /** A reversal that may arrive before the confirmation it reverses; it waits for it. */
        public boolean isReversal() {
            return this == REFUNDED || this == DISPUTE_OPENED;
        }
    }

    public static ProviderEvent ignored(String provider, String eventId, String type, String detail) {
        return ignored(provider, eventId, type, null, detail);
    }

    /** Ignored, but about a payment the provider names (a partial refund): the admin view shows which one. */
    public static ProviderEvent ignored(String provider, String eventId, String type, String providerPaymentId,
                                        String detail) {
        return new ProviderEvent(provider, eventId, type, Kind.IGNORED, null, providerPaymentId, null, null, null, detail);
    }
}
