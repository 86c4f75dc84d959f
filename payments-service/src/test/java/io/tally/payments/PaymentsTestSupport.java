package io.tally.payments;

import io.tally.common.testing.TestSql;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.UUID;

/** Read-only looks into payments' own tables: what the outbox and the webhook log hold for a payment. */
final class PaymentsTestSupport {

    private PaymentsTestSupport() {
    }

    /** PaymentConfirmed events written for the payment (each becomes one grant in credits-service). */
    static long confirmations(Pool pool, UUID paymentId) {
        return TestSql.count(pool, "SELECT count(*) FROM outbox WHERE event_type = 'tally.payments.confirmed.v1' "
                + "AND payload->>'paymentId' = $1", paymentId.toString());
    }

    static long reversals(Pool pool, UUID paymentId) {
        return TestSql.count(pool, "SELECT count(*) FROM outbox WHERE event_type = 'tally.payments.reversed.v1' "
                + "AND payload->>'paymentId' = $1", paymentId.toString());
    }

    static long deliveries(Pool pool, String provider, String outcome, String bodyFragment) {
        return TestSql.count(pool, "SELECT count(*) FROM webhook_deliveries WHERE provider = $1 AND outcome = $2 "
                + "AND strpos(raw_payload, $3) > 0", provider, outcome, bodyFragment);
    }

    static long illegalTransitions(Pool pool, UUID paymentId) {
        return TestSql.count(pool, "SELECT count(*) FROM payment_transitions WHERE payment_id = $1 AND NOT applied",
                paymentId);
    }
}
