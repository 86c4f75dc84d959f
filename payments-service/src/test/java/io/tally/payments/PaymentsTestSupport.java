package io.tally.payments;

import static org.awaitility.Awaitility.await;

import io.tally.common.events.CloudEventHeaders;
import io.tally.common.events.EventType;
import io.tally.common.events.EventTypes;
import io.tally.common.events.Topics;
import io.tally.common.testing.TestKafka;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TopicReader;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.UUID;

/** Read-only looks at what payments-service did about a payment: the events it published, its webhook log. */
final class PaymentsTestSupport {

    private PaymentsTestSupport() {
    }

    /** PaymentConfirmed events published for the payment (each becomes one grant in credits-service). */
    static long confirmations(Pool pool, UUID paymentId) {
        return published(pool, EventTypes.PAYMENT_CONFIRMED, paymentId);
    }

    static long reversals(Pool pool, UUID paymentId) {
        return published(pool, EventTypes.PAYMENT_REVERSED, paymentId);
    }

    /**
     * The events of one type published about the payment, duplicates included. The relay deletes an outbox row
     * once the broker has the event, so once the outbox is empty everything written so far is on the topic, and
     * reading the topic to its end counts all of it.
     */
    private static long published(Pool pool, EventType<?> type, UUID paymentId) {
        await().atMost(PaymentsApi.WAIT).until(() -> TestSql.count(pool, "SELECT count(*) FROM outbox") == 0);
        String field = "\"paymentId\":\"" + paymentId + "\"";
        try (TopicReader reader = new TopicReader(Topics.PAYMENTS)) {
            return reader.allMatching(record -> type.name().equals(TestKafka.header(record, CloudEventHeaders.TYPE))
                    && record.value().contains(field), PaymentsApi.WAIT).size();
        }
    }

    /** Logged deliveries whose body (or, for a refused one, its first 2 KB) contains the fragment. */
    static long deliveries(Pool pool, String provider, String outcome, String bodyFragment) {
        return TestSql.count(pool, "SELECT count(*) FROM webhook_deliveries WHERE provider = $1 AND outcome = $2 "
                + "AND strpos(coalesce(raw_payload, body_excerpt), $3) > 0", provider, outcome, bodyFragment);
    }

    static long illegalTransitions(Pool pool, UUID paymentId) {
        return TestSql.count(pool, "SELECT count(*) FROM payment_transitions WHERE payment_id = $1 AND NOT applied",
                paymentId);
    }
}
