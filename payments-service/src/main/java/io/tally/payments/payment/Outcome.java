package io.tally.payments.payment;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.UUID;

/** What became of a webhook delivery; logged with it and returned to the provider. */
public record Outcome(Kind kind, UUID paymentId, String detail) {

    public enum Kind {
        APPLIED, DUPLICATE, OUT_OF_ORDER, IGNORED, ILLEGAL_TRANSITION, MISMATCH, UNKNOWN_PAYMENT,
        REJECTED_SIGNATURE, REJECTED_MALFORMED, ERROR;

        @JsonValue
        public String dbValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind fromDb(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    public static Outcome of(Kind kind, Payment payment, String detail) {
        return new Outcome(kind, payment == null ? null : payment.id(), detail);
    }
}
