package io.tally.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.events.CloudEventHeaders;
import io.tally.common.events.EventTypes;
import io.tally.common.events.Topics;
import io.tally.common.events.jobs.JobCaptureRequested;
import io.tally.common.events.jobs.JobRefundRequested;
import io.tally.common.events.jobs.JobRequested;
import io.tally.common.events.jobs.JobVoidRequested;
import io.tally.common.events.payments.PaymentConfirmed;
import io.tally.common.events.payments.PaymentReversed;
import io.tally.common.testing.TestKafka;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TopicReader;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The saga and payment events, through the real broker. */
@QuarkusTest
class LedgerEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    @Test
    void jobRequestedHoldsThePriceAndIsAnswered() {
        String user = CreditsApi.newUser("saga");
        CreditsApi.fund(user, 20);
        UUID held = UUID.randomUUID();
        UUID rejected = UUID.randomUUID();
        OffsetDateTime deadline = OffsetDateTime.now(ZoneOffset.UTC).plusHours(2).withNano(0);
        CreditsApi.publish(EventTypes.JOB_REQUESTED, new JobRequested(held, user, 15, deadline, Map.of("order", "A-1")));
        CreditsApi.publish(EventTypes.JOB_REQUESTED, new JobRequested(rejected, user, 15, deadline, null));

        try (TopicReader replies = new TopicReader(Topics.CREDITS)) {
            // The answers about these two jobs (funding the account spent its signup bonus: a charge of its own).
            java.util.function.Supplier<List<ConsumerRecord<String, String>>> about = () -> replies.withKey(user).stream()
                    .filter(r -> r.value().contains(held.toString()) || r.value().contains(rejected.toString())).toList();
            await().atMost(WAIT).until(() -> about.get().size() >= 2);
            List<ConsumerRecord<String, String>> answers = about.get();
            assertThat(TestKafka.header(answers.get(0), CloudEventHeaders.TYPE)).isEqualTo(EventTypes.CREDITS_HELD.name());
            assertThat(answers.get(0).value()).contains(held.toString()).contains("\"availableAfter\":5")
                    .contains("\"reference\":\"job:" + held + "\"").contains("\"metadata\":{\"order\":\"A-1\"}");
            assertThat(TestKafka.header(answers.get(1), CloudEventHeaders.TYPE)).isEqualTo(EventTypes.CHARGE_REJECTED.name());
            assertThat(answers.get(1).value()).contains(rejected.toString()).contains("\"needed\":15")
                    .contains("\"available\":5").contains("insufficient_credits");
        }
        assertThat(TestSql.count(pool, "SELECT count(*) FROM holds WHERE id = $1 AND expires_at = $2", held,
                deadline)).as("the hold expires at the job's deadline").isEqualTo(1);
        assertThat(CreditsApi.available(user)).isEqualTo(5);
        assertThat(CreditsApi.balance(user)).as("held credits are still the user's").isEqualTo(20);
    }

    @Test
    void theSameJobRequestedDeliveredFiveTimesAndConcurrentlyHoldsOnce() {
        String user = CreditsApi.newUser("redelivered");
        CreditsApi.fund(user, 100);
        UUID job = UUID.randomUUID();
        String eventId = UUID.randomUUID().toString();
        JobRequested requested = new JobRequested(job, user, 15);
        for (int i = 0; i < 5; i++) {
            CreditsApi.publish(EventTypes.JOB_REQUESTED, requested, eventId, null);
        }
        // The same event on other partitions is consumed concurrently with the copies above.
        CompletableFuture.allOf(IntStream.range(0, 6).mapToObj(p -> CompletableFuture.runAsync(() ->
                CreditsApi.publish(EventTypes.JOB_REQUESTED, requested, eventId, p))).toArray(CompletableFuture[]::new)).join();
        // A saga retry is a new event for the same job: still one hold.
        CreditsApi.publish(EventTypes.JOB_REQUESTED, requested);

        UUID marker = UUID.randomUUID();
        CreditsApi.publish(EventTypes.JOB_REQUESTED, new JobRequested(marker, user, 1));
        await().atMost(WAIT).until(() -> holds(marker) == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> holds(job) == 1);
        assertThat(CreditsApi.available(user)).isEqualTo(100 - 15 - 1);
    }

    /**
     * A finished job settles its hold by event: a capture of its final price (the rest released), a void of a failed
     * one; a settlement credits will never make (no such hold, already settled) is answered, so the saga stops.
     */
    @Test
    void jobsCaptureOrVoidTheirHoldsByEvent_andARefusedSettlementIsAnswered() {
        String user = CreditsApi.newUser("settled");
        CreditsApi.fund(user, 100);
        UUID completed = UUID.randomUUID();
        UUID failed = UUID.randomUUID();
        UUID neverHeld = UUID.randomUUID();
        try (TopicReader replies = new TopicReader(Topics.CREDITS)) {
            CreditsApi.publish(EventTypes.JOB_REQUESTED, new JobRequested(completed, user, 30));
            CreditsApi.publish(EventTypes.JOB_REQUESTED, new JobRequested(failed, user, 20));
            CreditsApi.publish(EventTypes.JOB_CAPTURE_REQUESTED, new JobCaptureRequested(completed, user, 18));
            CreditsApi.publish(EventTypes.JOB_VOID_REQUESTED, new JobVoidRequested(failed, user, "provider down"));
            CreditsApi.publish(EventTypes.JOB_VOID_REQUESTED, new JobVoidRequested(neverHeld, user, "cancelled"));
            CreditsApi.publish(EventTypes.JOB_CAPTURE_REQUESTED, new JobCaptureRequested(failed, user, 20));
            // Asked again (the saga's timeout): the same answer, nothing moved twice.
            CreditsApi.publish(EventTypes.JOB_CAPTURE_REQUESTED, new JobCaptureRequested(completed, user, 18));

            await().atMost(WAIT).until(() -> ofType(replies, user, EventTypes.HOLD_CAPTURED.name()).size() == 2
                    && ofType(replies, user, EventTypes.HOLD_SETTLEMENT_REFUSED.name()).size() == 2);
            assertThat(ofType(replies, user, EventTypes.HOLD_CAPTURED.name())).extracting(ConsumerRecord::value)
                    .allSatisfy(v -> assertThat(v).contains(completed.toString()).contains("\"captured\":18")
                            .contains("\"released\":12"));
            assertThat(ofType(replies, user, EventTypes.HOLD_VOIDED.name())).singleElement()
                    .satisfies(r -> assertThat(r.value()).contains(failed.toString()).contains("provider down"));
            assertThat(ofType(replies, user, EventTypes.HOLD_SETTLEMENT_REFUSED.name())).extracting(ConsumerRecord::value)
                    .anySatisfy(v -> assertThat(v).contains(neverHeld.toString()).contains("\"reason\":\"hold_not_found\""))
                    .anySatisfy(v -> assertThat(v).contains(failed.toString()).contains("\"settlement\":\"capture\"")
                            .contains("\"reason\":\"hold_settled\""));
        }
        assertThat(CreditsApi.available(user)).isEqualTo(100 - 18);
        assertThat(CreditsApi.balance(user)).isEqualTo(100 - 18);
    }

    /** Jobs charged before holds are still refunded by their JobRefundRequested. */
    @Test
    void refundsNeedACharge_happenOnce_andNeverForARejectedCharge() {
        String user = CreditsApi.newUser("refunds");
        CreditsApi.fund(user, 20);
        UUID neverCharged = UUID.randomUUID();
        UUID charged = UUID.randomUUID();
        UUID rejected = UUID.randomUUID();
        CreditsApi.publish(EventTypes.JOB_REFUND_REQUESTED, new JobRefundRequested(neverCharged, user, "failed"));
        CreditsApi.charge(charged, user, 15).then().statusCode(201);
        CreditsApi.charge(rejected, user, 50).then().statusCode(402);
        CreditsApi.publish(EventTypes.JOB_REFUND_REQUESTED, new JobRefundRequested(charged, user, "failed"));
        CreditsApi.publish(EventTypes.JOB_REFUND_REQUESTED, new JobRefundRequested(charged, user, "failed again"));
        CreditsApi.publish(EventTypes.JOB_REFUND_REQUESTED, new JobRefundRequested(rejected, user, "failed"));
        UUID marker = UUID.randomUUID();
        CreditsApi.publish(EventTypes.JOB_REQUESTED, new JobRequested(marker, user, 1));

        await().atMost(WAIT).until(() -> holds(marker) == 1);
        assertThat(refunds(neverCharged)).isZero();
        assertThat(refunds(charged)).isEqualTo(1);
        assertThat(refunds(rejected)).isZero();
        assertThat(CreditsApi.available(user)).isEqualTo(20 - 1);
        // The synchronous path gives the same answers.
        CreditsApi.refund(neverCharged, user).then().statusCode(422);
        CreditsApi.refund(charged, user).then().statusCode(201).header("Idempotent-Replayed", "true");
    }

    @Test
    void clawbackIntoDebtBlocksSpendingUntilTheNextGrantRepaysIt() {
        String user = CreditsApi.newUser("debtor");
        CreditsApi.me(user).then().statusCode(200); // 100 signup credits
        UUID payment = UUID.randomUUID();
        CreditsApi.publish(EventTypes.PAYMENT_CONFIRMED, new PaymentConfirmed(payment, user, 50, 9900, "THB", "stripe", 1));
        await().atMost(WAIT).until(() -> CreditsApi.balance(user) == 150);
        CreditsApi.charge(UUID.randomUUID(), user, 130).then().statusCode(201); // spends most of it

        CreditsApi.publish(EventTypes.PAYMENT_REVERSED, new PaymentReversed(payment, user, 50, "refunded", "stripe", 1));
        await().atMost(WAIT).until(() -> CreditsApi.debt(user) == 30);
        assertThat(CreditsApi.balance(user)).isZero();
        CreditsApi.charge(UUID.randomUUID(), user, 1).then().statusCode(402)
                .body("reason", org.hamcrest.Matchers.equalTo("account_in_debt"))
                .body("debt", org.hamcrest.Matchers.equalTo(30));

        CreditsApi.publish(EventTypes.PAYMENT_CONFIRMED, new PaymentConfirmed(UUID.randomUUID(), user, 100, 29900, "THB", "stripe", 1));
        await().atMost(WAIT).until(() -> CreditsApi.debt(user) == 0);
        assertThat(CreditsApi.balance(user)).isEqualTo(70);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM ledger_transactions WHERE user_id = $1 AND kind = 'debt_repayment'", user))
                .isEqualTo(1);
        CreditsApi.charge(UUID.randomUUID(), user, 1).then().statusCode(201);
    }

    @Test
    void aPaymentConfirmedAgainAfterAChargebackIsGrantedOncePerCycle() {
        String user = CreditsApi.newUser("disputer");
        CreditsApi.me(user).then().statusCode(200); // 100 signup credits
        UUID payment = UUID.randomUUID();
        CreditsApi.publish(EventTypes.PAYMENT_CONFIRMED, new PaymentConfirmed(payment, user, 50, 9900, "THB", "stripe", 1));
        await().atMost(WAIT).until(() -> CreditsApi.balance(user) == 150);
        CreditsApi.publish(EventTypes.PAYMENT_REVERSED, new PaymentReversed(payment, user, 50, "charged_back", "stripe", 1));
        await().atMost(WAIT).until(() -> CreditsApi.balance(user) == 100);

        // The dispute is won: cycle 2 grants again, and a second cycle-2 confirmation (another event id) does not.
        CreditsApi.publish(EventTypes.PAYMENT_CONFIRMED, new PaymentConfirmed(payment, user, 50, 9900, "THB", "stripe", 2));
        CreditsApi.publish(EventTypes.PAYMENT_CONFIRMED, new PaymentConfirmed(payment, user, 50, 9900, "THB", "stripe", 2));
        await().atMost(WAIT).until(() -> CreditsApi.balance(user) == 150);
        CreditsApi.publish(EventTypes.PAYMENT_CONFIRMED, new PaymentConfirmed(payment, user, 50, 9900, "THB", "stripe", 1));
        // A later event on the same partition: once it is applied, the ones before it have been too.
        CreditsApi.publish(EventTypes.PAYMENT_CONFIRMED, new PaymentConfirmed(UUID.randomUUID(), user, 7, 700, "THB", "stripe", 1));
        await().atMost(WAIT).until(() -> CreditsApi.balance(user) == 157);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM ledger_transactions WHERE reference = $1 AND kind = 'purchase'",
                payment.toString())).isEqualTo(2);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM ledger_transactions WHERE idempotency_key = $1",
                "payment:" + payment + ":grant:2")).isEqualTo(1);
    }

    @Test
    void poisonEventsAreDeadLetteredAndTheBatchGoesOn() {
        String user = CreditsApi.newUser("poison");
        CreditsApi.fund(user, 100);
        CreditsApi.publish(EventTypes.JOB_REQUESTED, new JobRequested(UUID.randomUUID(), user, -15));
        UUID marker = UUID.randomUUID();
        CreditsApi.publish(EventTypes.JOB_REQUESTED, new JobRequested(marker, user, 2));

        await().atMost(WAIT).until(() -> holds(marker) == 1);
        try (TopicReader dlq = new TopicReader(Topics.deadLetter("credits"))) {
            await().atMost(WAIT).until(() -> !dlq.withKey(user).isEmpty());
            assertThat(TestKafka.header(dlq.withKey(user).get(0), "dead-letter-reason")).contains("amount");
        }
        assertThat(CreditsApi.available(user)).isEqualTo(98);
    }

    /**
     * Only payments-service announces payments: a PaymentConfirmed on another service's topic, or on the payments
     * topic with another service's source, grants nothing, is dead-lettered and counted as forged.
     */
    @Test
    void forgedPaymentConfirmationsGrantNothingAndAreDeadLetteredAndCounted() throws Exception {
        String user = CreditsApi.newUser("forged");
        CreditsApi.fund(user, 100);
        double forgedBefore = forged(Topics.JOBS) + forged(Topics.PAYMENTS);
        PaymentConfirmed confirmed = new PaymentConfirmed(UUID.randomUUID(), user, 5000, 9900, "THB", "stripe", 1);
        String json = JSON.writeValueAsString(confirmed);

        // What a compromised jobs-service could send on the one topic it may write: its own source, payments' type.
        Map<String, String> onTheWrongTopic = TestKafka.cloudEventHeaders(UUID.randomUUID().toString(),
                EventTypes.PAYMENT_CONFIRMED.name());
        onTheWrongTopic.put(CloudEventHeaders.SOURCE, CloudEventHeaders.sourceOf("jobs"));
        TestKafka.send(Topics.JOBS, null, user, json, onTheWrongTopic);
        Map<String, String> fromTheWrongService = TestKafka.cloudEventHeaders(UUID.randomUUID().toString(),
                EventTypes.PAYMENT_CONFIRMED.name());
        fromTheWrongService.put(CloudEventHeaders.SOURCE, CloudEventHeaders.sourceOf("jobs"));
        TestKafka.send(Topics.PAYMENTS, null, user, json, fromTheWrongService);
        UUID marker = UUID.randomUUID();
        CreditsApi.publish(EventTypes.JOB_REQUESTED, new JobRequested(marker, user, 2));

        await().atMost(WAIT).until(() -> holds(marker) == 1);
        try (TopicReader dlq = new TopicReader(Topics.deadLetter("credits"))) {
            await().atMost(WAIT).until(() -> dlq.withKey(user).size() == 2);
            assertThat(dlq.withKey(user)).extracting(record -> TestKafka.header(record, "dead-letter-reason"))
                    .containsExactlyInAnyOrder(
                            "event " + onTheWrongTopic.get(CloudEventHeaders.ID) + " of type "
                                    + EventTypes.PAYMENT_CONFIRMED.name() + " arrived on " + Topics.JOBS
                                    + "; it belongs on " + Topics.PAYMENTS,
                            "event " + fromTheWrongService.get(CloudEventHeaders.ID) + " on " + Topics.PAYMENTS
                                    + " claims source /tally/jobs; only /tally/payments publishes there");
        }
        assertThat(CreditsApi.available(user)).isEqualTo(98);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM ledger_transactions WHERE idempotency_key LIKE $1",
                "payment:" + confirmed.paymentId() + "%")).isZero();
        await().atMost(WAIT).until(() -> forged(Topics.JOBS) + forged(Topics.PAYMENTS) == forgedBefore + 2);
    }

    private double forged(String topic) {
        Counter counter = registry.find("tally.inbox.forged").tag("topic", topic).counter();
        return counter == null ? 0 : counter.count();
    }

    private long holds(UUID job) {
        return TestSql.count(pool, "SELECT count(*) FROM ledger_transactions WHERE idempotency_key = $1", "hold:" + job);
    }

    private static List<ConsumerRecord<String, String>> ofType(TopicReader reader, String key, String type) {
        return reader.withKey(key).stream().filter(r -> type.equals(TestKafka.header(r, CloudEventHeaders.TYPE))).toList();
    }

    private long refunds(UUID job) {
        return TestSql.count(pool, "SELECT count(*) FROM ledger_transactions WHERE idempotency_key = $1", "job:" + job + ":refund");
    }
}
