package io.tally.payments.payment;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The payment state machine, and the only place its transitions are written down.
 *
 * <pre>
 * pending ──► confirmed ──► refunded ─────┐ (refund reversed)
 *    │  ▲         │  ▲                     │
 *    │  │         ▼  └─────────────────────┘
 *    │  │     charged_back ──► confirmed  (dispute won)
 *    ▼  │
 * failed | expired ──► confirmed  (the provider took the money after all)
 * </pre>
 *
 * A confirmation after {@code failed} or {@code expired} is legal on purpose: the provider moved the money, so
 * the user gets the credits. Anything else (a refund of a failed payment, a chargeback of a refunded one…) is
 * recorded as an illegal transition and not applied.
 */
public enum PaymentStatus {
    PENDING, CONFIRMED, FAILED, EXPIRED, REFUNDED, CHARGED_BACK;

    private Set<PaymentStatus> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(CONFIRMED, FAILED, EXPIRED);
            case CONFIRMED -> EnumSet.of(REFUNDED, CHARGED_BACK);
            case FAILED, EXPIRED, REFUNDED, CHARGED_BACK -> EnumSet.of(CONFIRMED);
        };
    }

    public boolean canMoveTo(PaymentStatus target) {
        return next().contains(target);
    }

    @JsonValue
    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PaymentStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
