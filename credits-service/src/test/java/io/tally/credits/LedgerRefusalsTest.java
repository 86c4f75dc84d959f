package io.tally.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.tally.common.events.CloudEventHeaders;
import io.tally.common.events.EventTypes;
import io.tally.common.events.Topics;
import io.tally.common.events.jobs.JobRefundRequested;
import io.tally.common.events.jobs.JobRequested;
import io.tally.common.events.payments.PaymentConfirmed;
import io.tally.common.events.payments.PaymentReversed;
import io.tally.common.testing.TestKafka;
import io.tally.common.testing.TestTokens;
import io.tally.common.testing.TopicReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Refusals on the event path (reviews: ledger M1, M2): a saga's request is always answered, so the saga stops
 * asking; a payment event the ledger refuses goes to the dead-letter topic with its reason, for an operator.
 */
@QuarkusTest
class LedgerRefusalsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void everyRefundASagaAsksForIsAnswered_evenWhenTheKeyWasUsedForAPartialRefund() {
        String user = CreditsApi.newUser("refused-refund");
        CreditsApi.fund(user, 100);
        UUID neverCharged = UUID.randomUUID();
        UUID partlyRefunded = UUID.randomUUID();
        try (TopicReader replies = new TopicReader(Topics.CREDITS)) {
            CreditsApi.publish(EventTypes.JOB_REFUND_REQUESTED, new JobRefundRequested(neverCharged, user, "cancelled"));
            CreditsApi.charge(partlyRefunded, user, 15).then().statusCode(201); // a job charged before holds
            // A backend's goodwill refund of part of the job over REST; then the job fails and asks for all of it.
            io.restassured.RestAssured.given().header("Authorization", TestTokens.bearer("jobs-backend", "service"))
                    .contentType(ContentType.JSON)
                    .body(Map.of("jobId", partlyRefunded.toString(), "userId", user, "amount", 5, "reason", "goodwill"))
                    .when().post("/credits/refunds").then().statusCode(201);
            CreditsApi.publish(EventTypes.JOB_REFUND_REQUESTED, new JobRefundRequested(partlyRefunded, user, "failed"));

            await().atMost(WAIT).until(() -> ofType(replies, user, EventTypes.REFUND_REJECTED.name()).size() == 2);
            List<ConsumerRecord<String, String>> refused = ofType(replies, user, EventTypes.REFUND_REJECTED.name());
            assertThat(refused.get(0).value()).contains(neverCharged.toString()).contains("\"reason\":\"no_charge\"");
            assertThat(refused.get(1).value()).contains(partlyRefunded.toString()).contains("\"reason\":\"conflict\"");
        }
        assertThat(CreditsApi.balance(user)).isEqualTo(90);
    }

    @Test
    void aHoldWhoseJobIdWasHeldWithAnotherAmountIsRejectedAsAConflict() {
        String user = CreditsApi.newUser("conflicting-charge");
        CreditsApi.fund(user, 100);
        UUID job = UUID.randomUUID();
        try (TopicReader replies = new TopicReader(Topics.CREDITS)) {
            CreditsApi.publish(EventTypes.JOB_REQUESTED, new JobRequested(job, user, 15));
            CreditsApi.publish(EventTypes.JOB_REQUESTED, new JobRequested(job, user, 20));
            await().atMost(WAIT).until(() -> !ofType(replies, user, EventTypes.CHARGE_REJECTED.name()).isEmpty());
            assertThat(ofType(replies, user, EventTypes.CHARGE_REJECTED.name()).get(0).value())
                    .contains(job.toString()).contains("\"reason\":\"conflict\"").contains("\"available\":85");
        }
        assertThat(CreditsApi.available(user)).isEqualTo(85);
    }

    /** A clawback only takes back what its grant gave; anything else would put a user in debt for nothing. */
    @Test
    void paymentEventsTheLedgerRefusesAreDeadLetteredAndMoveNothing() {
        String user = CreditsApi.newUser("refused-payment");
        String someoneElse = CreditsApi.newUser("bystander");
        CreditsApi.fund(user, 0);
        CreditsApi.fund(someoneElse, 0);
        UUID granted = UUID.randomUUID();
        try (TopicReader dlq = new TopicReader(Topics.deadLetter("credits"))) {
            CreditsApi.publish(EventTypes.PAYMENT_CONFIRMED, new PaymentConfirmed(granted, user, 50, 9900, "THB", "stripe", 1));
            // Never granted (its confirmation was lost), another user's payment, more than was granted, and the
            // grant again with another amount.
            CreditsApi.publish(EventTypes.PAYMENT_REVERSED, new PaymentReversed(UUID.randomUUID(), user, 50, "refunded", "stripe", 1));
            CreditsApi.publish(EventTypes.PAYMENT_REVERSED, new PaymentReversed(granted, someoneElse, 50, "refunded", "stripe", 1));
            CreditsApi.publish(EventTypes.PAYMENT_REVERSED, new PaymentReversed(granted, user, 80, "refunded", "stripe", 1));
            CreditsApi.publish(EventTypes.PAYMENT_CONFIRMED, new PaymentConfirmed(granted, user, 60, 9900, "THB", "stripe", 1));

            await().atMost(WAIT).until(() -> dlq.withKey(user).size() == 3 && dlq.withKey(someoneElse).size() == 1);
            assertThat(dlq.withKey(user)).extracting(record -> TestKafka.header(record, "dead-letter-reason"))
                    .allMatch(reason -> reason.startsWith("ledger refused payment:"))
                    .anyMatch(reason -> reason.contains("was never granted"))
                    .anyMatch(reason -> reason.contains("cannot claw back 80"))
                    .anyMatch(reason -> reason.contains("already used with different parameters"));
            assertThat(TestKafka.header(dlq.withKey(someoneElse).get(0), "dead-letter-reason"))
                    .contains("granted to another user");
        }
        assertThat(CreditsApi.balance(user)).isEqualTo(50);
        assertThat(CreditsApi.debt(user)).isZero();
        assertThat(CreditsApi.debt(someoneElse)).isZero();
    }

    private static List<ConsumerRecord<String, String>> ofType(TopicReader reader, String key, String type) {
        return reader.withKey(key).stream().filter(r -> type.equals(TestKafka.header(r, CloudEventHeaders.TYPE))).toList();
    }
}
