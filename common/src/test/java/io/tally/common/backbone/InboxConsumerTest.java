package io.tally.common.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.events.CloudEventHeaders;
import io.tally.common.events.EventTypes;
import io.tally.common.events.Topics;
import io.tally.common.testing.TestKafka;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TopicReader;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
class InboxConsumerTest {

    @Inject
    Pool pool;

    @Test
    void redeliveredEventHasNoSecondEffect() {
        String user = "redeliver-" + UUID.randomUUID();
        UUID jobId = UUID.randomUUID();
        String eventId = UUID.randomUUID().toString();
        for (int i = 0; i < 5; i++) {
            TestKafka.send(Topics.JOBS, null, user, jobRequested(jobId, user, 15), envelope(eventId));
        }
        UUID markerJob = sendMarker(user);

        awaitEffects(markerJob, 1);
        assertThat(effects(jobId)).isEqualTo(1);
    }

    @Test
    void concurrentDeliveriesOfOneEventOnSeveralPartitionsApplyOnce() {
        String user = "concurrent-" + UUID.randomUUID();
        UUID jobId = UUID.randomUUID();
        String eventId = UUID.randomUUID().toString();
        // The consumer runs one thread per partition: these race each other into the inbox.
        CompletableFuture.allOf(IntStream.range(0, 6).mapToObj(i -> CompletableFuture.runAsync(() ->
                TestKafka.send(Topics.JOBS, i % 3, user, jobRequested(jobId, user, 7), envelope(eventId))))
                .toArray(CompletableFuture[]::new)).join();

        awaitEffects(jobId, 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> effects(jobId) == 1);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM inbox WHERE event_id = $1", eventId)).isEqualTo(1);
    }

    @Test
    void poisonEventsGoToTheDeadLetterTopicAndTheNextEventIsProcessed() {
        String user = "poison-" + UUID.randomUUID();
        UUID badData = UUID.randomUUID();
        UUID negative = UUID.randomUUID();
        // No ce_id at all, data that is not a JobRequested, and data outside the contract (negative cost).
        Map<String, String> noId = envelope("ignored");
        noId.remove(CloudEventHeaders.ID);
        TestKafka.send(Topics.JOBS, 0, user, jobRequested(UUID.randomUUID(), user, 1), noId);
        TestKafka.send(Topics.JOBS, 0, user, "{\"jobId\":\"" + badData + "\",\"cost\":\"lots\"", envelope(UUID.randomUUID().toString()));
        TestKafka.send(Topics.JOBS, 0, user, jobRequested(negative, user, -5), envelope(UUID.randomUUID().toString()));
        UUID marker = UUID.randomUUID();
        TestKafka.send(Topics.JOBS, 0, user, jobRequested(marker, user, 3), envelope(UUID.randomUUID().toString()));

        awaitEffects(marker, 1);
        try (TopicReader dlq = new TopicReader(Topics.deadLetter("backbone"))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> dlq.withKey(user).size() == 3);
        }
        assertThat(effects(negative)).isZero();
    }

    @Test
    void eventTypesTheConsumerDoesNotHandleAreSkipped() {
        String user = "skip-" + UUID.randomUUID();
        UUID jobId = UUID.randomUUID();
        Map<String, String> headers = envelope(UUID.randomUUID().toString());
        headers.put(CloudEventHeaders.TYPE, EventTypes.JOB_QUEUED.name());
        TestKafka.send(Topics.JOBS, null, user, jobRequested(jobId, user, 9), headers);
        UUID marker = sendMarker(user);

        awaitEffects(marker, 1);
        assertThat(effects(jobId)).isZero();
        try (TopicReader dlq = new TopicReader(Topics.deadLetter("backbone"))) {
            assertThat(dlq.withKey(user)).isEmpty();
        }
    }

    private UUID sendMarker(String user) {
        UUID marker = UUID.randomUUID();
        TestKafka.send(Topics.JOBS, null, user, jobRequested(marker, user, 1), envelope(UUID.randomUUID().toString()));
        return marker;
    }

    private void awaitEffects(UUID jobId, long expected) {
        await().atMost(Duration.ofSeconds(20)).until(() -> effects(jobId) == expected);
    }

    private long effects(UUID jobId) {
        return TestSql.count(pool, "SELECT count(*) FROM applied_effects WHERE job_id = $1", jobId);
    }

    private static String jobRequested(UUID jobId, String user, long cost) {
        return "{\"jobId\":\"" + jobId + "\",\"userId\":\"" + user + "\",\"cost\":" + cost + "}";
    }

    private static Map<String, String> envelope(String eventId) {
        return TestKafka.cloudEventHeaders(eventId, EventTypes.JOB_REQUESTED.name());
    }
}
