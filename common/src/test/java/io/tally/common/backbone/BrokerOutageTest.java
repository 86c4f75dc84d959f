package io.tally.common.backbone;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.events.Topics;
import io.tally.common.testing.BrokerControl;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TopicReader;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Stops the real test broker: the service stays ready, writes go on, and the backlog drains in order once it is back.
 */
@QuarkusTest
class BrokerOutageTest {

    @Inject
    Pool pool;

    @Test
    void writesSucceedWhileBrokerIsDownAndBacklogDrainsInPerKeyOrder() {
        List<String> users = IntStream.range(0, 3).mapToObj(i -> "outage-" + i + "-" + UUID.randomUUID()).toList();
        BrokerControl.stop();
        try {
            for (int seq = 1; seq <= 10; seq++) {
                for (String user : users) {
                    OutboxRelayTest.createNote(user, seq, false);
                }
            }
            // Still ready (the database is all it needs) and alive; the broker's state is reported as wellness.
            given().when().get("/q/health/ready").then().statusCode(200);
            given().when().get("/q/health/live").then().statusCode(200);
            given().when().get("/q/health/well").then().statusCode(503)
                    .body("checks.find { it.name == 'Kafka broker' }.status", equalTo("DOWN"));
            assertThat(TestSql.count(pool,
                    "SELECT count(*) FROM outbox WHERE event_key = ANY($1)",
                    (Object) users.toArray(String[]::new))).isEqualTo(30);
        } finally {
            BrokerControl.start();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> TestSql.count(pool,
                "SELECT count(*) FROM outbox WHERE event_key = ANY($1)",
                (Object) users.toArray(String[]::new)) == 0);
        try (TopicReader reader = new TopicReader(Topics.JOBS)) {
            for (String user : users) {
                await().atMost(Duration.ofSeconds(20)).until(() -> reader.withKey(user).size() >= 10);
                // A batch that timed out during the outage may be sent twice; order must still hold.
                List<Long> costs = reader.withKey(user).stream().map(r -> OutboxRelayTest.costOf(r.value()))
                        .distinct().toList();
                assertThat(costs).containsExactlyElementsOf(IntStream.rangeClosed(1, 10).mapToObj(i -> (long) i).toList());
            }
        }
    }
}
