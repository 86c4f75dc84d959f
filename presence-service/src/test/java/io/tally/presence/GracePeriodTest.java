package io.tally.presence;

import static io.tally.presence.PresenceApi.BOX_PUBLISHED;
import static io.tally.presence.PresenceApi.BOX_UNPUBLISHED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tally.common.events.Topics;
import io.tally.common.testing.TopicReader;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** With a grace period, a quick reconnect does not unpublish the box; a real departure does, after the grace. */
@QuarkusTest
@TestProfile(GracePeriodTest.TwoSecondGrace.class)
class GracePeriodTest {

    public static class TwoSecondGrace implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tally.presence.grace", "2s");
        }
    }

    private final PresenceApi api = PresenceApi.local();

    @Test
    void aQuickReconnectDoesNotFlap() {
        try (TopicReader events = new TopicReader(Topics.PRESENCE)) {
            UUID box = api.createBox(PresenceApi.newUser("streamer"));
            String viewer = PresenceApi.newUser("flaky");
            UUID first = api.joined(box, viewer);

            api.leave(box, first, viewer).then().statusCode(204);
            assertThat(api.published(box)).isTrue(); // inside the grace period
            api.joined(box, viewer);

            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> api.published(box));
            assertThat(PresenceApi.events(events, box, BOX_PUBLISHED)).hasSize(1);
            assertThat(PresenceApi.events(events, box, BOX_UNPUBLISHED)).isEmpty();
        }
    }

    @Test
    void aBoxLeftEmptyUnpublishesOnceTheGraceIsOver() {
        try (TopicReader events = new TopicReader(Topics.PRESENCE)) {
            UUID box = api.createBox(PresenceApi.newUser("streamer"));
            String viewer = PresenceApi.newUser("gone");
            UUID connection = api.joined(box, viewer);
            api.leave(box, connection, viewer).then().statusCode(204);
            long leftAt = System.nanoTime();

            await().atMost(Duration.ofSeconds(2 + 1 + 2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !api.published(box));
            assertThat(Duration.ofNanos(System.nanoTime() - leftAt)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> PresenceApi.events(events, box, BOX_UNPUBLISHED).size() == 1);
        }
    }
}
