package io.tally.common.backbone;

import static io.restassured.RestAssured.given;
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
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OutboxRelayTest {

    @Inject
    Pool pool;

    @Test
    void committedEventIsPublishedExactlyOnceWithItsCloudEventsEnvelope() {
        String user = "outbox-" + UUID.randomUUID();
        String noteId = createNote(user, 15, false);

        try (TopicReader reader = new TopicReader(Topics.JOBS)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> reader.withKey(user).size() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> TestSql.count(pool,
                    "SELECT count(*) FROM outbox WHERE event_key = $1", user) == 0);
            // Deleted once published: no relay pass may send it again.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> reader.withKey(user).size() == 1);

            ConsumerRecord<String, String> record = reader.withKey(user).get(0);
            assertThat(TestKafka.header(record, CloudEventHeaders.TYPE)).isEqualTo(EventTypes.JOB_REQUESTED.name());
            assertThat(TestKafka.header(record, CloudEventHeaders.SPEC_VERSION)).isEqualTo("1.0");
            assertThat(TestKafka.header(record, CloudEventHeaders.SOURCE)).isEqualTo("/tally/backbone");
            assertThat(TestKafka.header(record, CloudEventHeaders.SUBJECT)).isEqualTo(user);
            assertThat(TestKafka.header(record, CloudEventHeaders.ID)).isNotBlank();
            assertThat(TestKafka.header(record, CloudEventHeaders.TIME)).isNotBlank();
            assertThat(record.value()).contains("\"jobId\":\"" + noteId + "\"").contains("\"cost\":15");
        }
    }

    @Test
    void rolledBackEventIsNeverPublished() {
        String user = "rollback-" + UUID.randomUUID();
        given().contentType("application/json")
                .body("{\"userId\":\"" + user + "\",\"amount\":1,\"failAfterWrite\":true}")
                .when().post("/test/notes")
                .then().statusCode(422);
        String markerId = createNote(user, 2, false);

        try (TopicReader reader = new TopicReader(Topics.JOBS)) {
            // Same key, same partition: once the later marker is there, the earlier event would be too.
            await().atMost(Duration.ofSeconds(15)).until(() -> !reader.withKey(user).isEmpty());
            List<ConsumerRecord<String, String>> records = reader.withKey(user);
            assertThat(records).hasSize(1);
            assertThat(records.get(0).value()).contains(markerId);
        }
        assertThat(TestSql.count(pool, "SELECT count(*) FROM notes WHERE owner_id = $1", user)).isEqualTo(1);
    }

    @Test
    void concurrentWritersKeepPerKeyOrder() {
        List<String> users = IntStream.range(0, 4).mapToObj(i -> "order-" + i + "-" + UUID.randomUUID()).toList();
        // Each user writes 25 events one after the other; the four users write at the same time.
        List<CompletableFuture<Void>> writers = users.stream().map(user -> CompletableFuture.runAsync(() -> {
            for (int seq = 1; seq <= 25; seq++) {
                createNote(user, seq, false);
            }
        })).toList();
        writers.forEach(CompletableFuture::join);

        try (TopicReader reader = new TopicReader(Topics.JOBS)) {
            for (String user : users) {
                assertThat(publishedCosts(reader, user, 25))
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, 25).boxed().toList());
            }
            // Commits woke the relay while it published, so batches' deletes rode on the next batches' reads: every
            // row leaves the table, and none is published twice.
            Object keys = users.toArray(String[]::new);
            await().atMost(Duration.ofSeconds(10)).until(() -> TestSql.count(pool,
                    "SELECT count(*) FROM outbox WHERE event_key = ANY($1)", keys) == 0);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> reader.matching(record -> users.contains(record.key())).size() == 4 * 25);
        }
    }

    @Test
    void eventsAppendedTogetherArePublishedInTheirOrder() {
        String user = "series-" + UUID.randomUUID();
        given().contentType("application/json")
                .body("{\"userId\":\"" + user + "\",\"count\":40}")
                .when().post("/test/notes/series")
                .then().statusCode(200);

        try (TopicReader reader = new TopicReader(Topics.JOBS)) {
            assertThat(publishedCosts(reader, user, 40))
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 40).boxed().toList());
        }
    }

    @Test
    void onlyTheReplicaHoldingTheLeadersLockPublishes() {
        String user = "follower-" + UUID.randomUUID();
        SqlConnection otherReplica = pool.getConnection().await().indefinitely();
        try (TopicReader reader = new TopicReader(Topics.JOBS)) {
            // Another replica takes over: this one's relay connection ends (as when its node is lost) and the other
            // takes the lock before this one is back. Repeated until the other gets it first.
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                otherReplica.query("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                        + " WHERE application_name = 'tally-backbone-outbox-relay'").execute().await().indefinitely();
                return otherReplica
                        .query("SELECT pg_try_advisory_lock(hashtextextended('tally.backbone.outbox-relay', 0))")
                        .execute().await().indefinitely().iterator().next().getBoolean(0);
            });
            createNote(user, 3, false);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> reader.withKey(user).isEmpty());
            assertThat(TestSql.count(pool, "SELECT count(*) FROM outbox WHERE event_key = $1", user)).isEqualTo(1);
            // A replica that does not lead holds no connection for the relay (the connection budget counts on it).
            assertThat(TestSql.count(pool, "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE application_name = 'tally-backbone-outbox-relay'")).isZero();

            otherReplica.query("SELECT pg_advisory_unlock_all()").execute().await().indefinitely();
            // Leadership is free again: this replica reconnects and takes it at its next pass (a wake-up or the poll).
            await().atMost(Duration.ofSeconds(15)).until(() -> reader.withKey(user).size() == 1);
        } finally {
            // A pooled connection must not go back to the pool holding the lock.
            otherReplica.query("SELECT pg_advisory_unlock_all()").execute().await().indefinitely();
            otherReplica.close().await().indefinitely();
        }
    }

    /** The costs of {@code user}'s events in the order the topic holds them, once at least {@code count} are there. */
    private static List<Long> publishedCosts(TopicReader reader, String user, int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> reader.withKey(user).size() >= count);
        return reader.withKey(user).stream().map(r -> costOf(r.value())).toList();
    }

    static String createNote(String user, long amount, boolean fail) {
        return given().contentType("application/json")
                .body("{\"userId\":\"" + user + "\",\"amount\":" + amount + ",\"failAfterWrite\":" + fail + "}")
                .when().post("/test/notes")
                .then().statusCode(200)
                .extract().path("id");
    }

    static long costOf(String json) {
        String tail = json.substring(json.indexOf("\"cost\":") + 7);
        return Long.parseLong(tail.replaceAll("[^0-9-].*$", ""));
    }
}
