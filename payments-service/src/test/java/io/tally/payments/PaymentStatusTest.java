package io.tally.payments;

import static io.tally.payments.payment.PaymentStatus.CHARGED_BACK;
import static io.tally.payments.payment.PaymentStatus.CONFIRMED;
import static io.tally.payments.payment.PaymentStatus.EXPIRED;
import static io.tally.payments.payment.PaymentStatus.FAILED;
import static io.tally.payments.payment.PaymentStatus.PENDING;
import static io.tally.payments.payment.PaymentStatus.REFUNDED;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.payments.payment.PaymentStatus;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The payment state machine, every pair checked against the documented table. */
@Tag("unit")
class PaymentStatusTest {

    private static final Map<PaymentStatus, Set<PaymentStatus>> LEGAL = Map.of(
            PENDING, EnumSet.of(CONFIRMED, FAILED, EXPIRED),
            CONFIRMED, EnumSet.of(REFUNDED, CHARGED_BACK),
            CHARGED_BACK, EnumSet.of(CONFIRMED),
            REFUNDED, EnumSet.of(CONFIRMED),
            FAILED, EnumSet.of(CONFIRMED),
            EXPIRED, EnumSet.of(CONFIRMED));

    @Test
    void exactlyTheDocumentedTransitionsAreLegal() {
        for (PaymentStatus from : PaymentStatus.values()) {
            for (PaymentStatus to : PaymentStatus.values()) {
                assertThat(from.canMoveTo(to)).as("%s → %s", from, to).isEqualTo(LEGAL.get(from).contains(to));
            }
        }
    }
}
