package io.tally.presence;

import static io.tally.presence.PresenceApi.BOX_PUBLISHED;
import static io.tally.presence.PresenceApi.BOX_UNPUBLISHED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.tally.common.events.Topics;
import io.tally.common.testing.TopicReader;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Demand-based publishing with the test timing: timeout 3 s, sweep every 500 ms, heartbeats at most every 200 ms.
 */
@QuarkusTest
class PresenceTest {

    private static final PresenceApi api = PresenceApi.local();
    private static TopicReader events;

    @BeforeAll
    static void readEvents() {
        events = new TopicReader(Topics.PRESENCE);
    }

    @AfterAll
    static void close() {
        events.close();
    }

    @Test
    void theFirstJoinPublishesAtOnceAndASecondViewerDoesNotRepublish() {
        UUID box = api.createBox(PresenceApi.newUser("streamer"));
        assertThat(api.published(box)).isFalse();

        api.joined(box, PresenceApi.newUser("first"));
        assertThat(api.published(box)).isTrue(); // in the join's own transaction, not at the next sweep
        api.joined(box, PresenceApi.newUser("second"));

        await().atMost(Duration.ofSeconds(10)).until(() -> PresenceApi.events(events, box, BOX_PUBLISHED).size() == 1);
        api.box(box, "observer").then().body("liveConnections", equalTo(2)).body("uniqueViewers", equalTo(2));
        assertThat(PresenceApi.events(events, box, BOX_PUBLISHED)).hasSize(1);
    }

    @Test
    void silencePastTheTimeoutUnpublishesWithinTimeoutPlusOneSweep() {
        UUID box = api.createBox(PresenceApi.newUser("streamer"));
        api.joined(box, PresenceApi.newUser("quiet"));
        long joinedAt = System.nanoTime();

        await().atMost(Duration.ofSeconds(3 + 1 + 2)).pollInterval(Duration.ofMillis(100))
                .until(() -> !api.published(box));
        assertThat(Duration.ofNanos(System.nanoTime() - joinedAt)).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(10)).until(() -> PresenceApi.events(events, box, BOX_UNPUBLISHED).size() == 1);
        assertThat(PresenceApi.events(events, box, BOX_UNPUBLISHED).get(0)).contains("no_viewers");
    }

    @Test
    void heartbeatsKeepABoxPublishedPastTheTimeout() {
        UUID box = api.createBox(PresenceApi.newUser("streamer"));
        String viewer = PresenceApi.newUser("steady");
        UUID connection = api.joined(box, viewer);
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until) {
            await().pollDelay(Duration.ofMillis(500)).until(() -> true);
            api.heartbeat(box, connection, viewer).then().statusCode(200)
                    .body("timeoutSeconds", equalTo(3));
            assertThat(api.published(box)).isTrue();
        }
    }

    @Test
    void theLastViewerLeavingUnpublishesAtOnce() {
        UUID box = api.createBox(PresenceApi.newUser("streamer"));
        String viewer = PresenceApi.newUser("leaver");
        UUID connection = api.joined(box, viewer);

        api.leave(box, connection, viewer).then().statusCode(204);

        assertThat(api.published(box)).isFalse();
        api.leave(box, connection, viewer).then().statusCode(404);
    }

    @Test
    void threeTabsOfOneUserAreOneUniqueViewer() {
        UUID box = api.createBox(PresenceApi.newUser("streamer"));
        String viewer = PresenceApi.newUser("tabs");
        for (int i = 0; i < 3; i++) {
            api.joined(box, viewer);
        }
        api.box(box, "observer").then().body("liveConnections", equalTo(3)).body("uniqueViewers", equalTo(1));
    }

    @Test
    void onlyTheOwnerMayHeartbeatOrLeaveAConnection() {
        UUID box = api.createBox(PresenceApi.newUser("streamer"));
        String owner = PresenceApi.newUser("owner");
        UUID connection = api.joined(box, owner);
        String other = PresenceApi.newUser("other");

        api.heartbeat(box, connection, other).then().statusCode(404).contentType("application/problem+json");
        api.leave(box, connection, other).then().statusCode(404);
        api.heartbeat(UUID.randomUUID(), connection, owner).then().statusCode(404);
        assertThat(api.published(box)).isTrue();
    }

    @Test
    void heartbeatsFasterThanTheMinimumIntervalAre429() {
        UUID box = api.createBox(PresenceApi.newUser("streamer"));
        String viewer = PresenceApi.newUser("eager");
        UUID connection = api.joined(box, viewer);

        api.heartbeat(box, connection, viewer).then().statusCode(429).header("Retry-After", "1")
                .body("type", equalTo("https://tally.dev/problems/heartbeat-too-fast"));
        await().pollDelay(Duration.ofMillis(250)).atMost(Duration.ofSeconds(2))
                .until(() -> api.heartbeat(box, connection, viewer).statusCode() == 200);
    }

    @Test
    void unknownBoxesAndBadInputAreProblems() {
        String user = PresenceApi.newUser("user");
        api.box(UUID.randomUUID(), user).then().statusCode(404).contentType("application/problem+json");
        api.join(UUID.randomUUID(), user).then().statusCode(404);
        api.as(user).when().get("/boxes/not-a-uuid").then().statusCode(404);
        api.as(user).contentType(ContentType.JSON).body(Map.of("title", "")).when().post("/boxes").then()
                .statusCode(400).body("errors[0].field", org.hamcrest.Matchers.containsString("title"));
        api.as(user).contentType(ContentType.JSON).body("{\"title\": 12, ").when().post("/boxes").then().statusCode(400);
        api.as(user).contentType(ContentType.JSON).body(Map.of("title", "x".repeat(201))).when().post("/boxes").then()
                .statusCode(400);
        api.as(user).when().get("/boxes").then().statusCode(400);
        api.as(user).when().get("/boxes?published=true&cursor=zzz").then().statusCode(400);
        io.restassured.RestAssured.given().when().post("/boxes/" + UUID.randomUUID() + "/viewers").then().statusCode(401);
    }

    @Test
    void discoveryListsPublishedBoxesMostWatchedFirst() {
        UUID busy = api.createBox(PresenceApi.newUser("busy"));
        UUID quiet = api.createBox(PresenceApi.newUser("quiet"));
        UUID empty = api.createBox(PresenceApi.newUser("empty"));
        for (int i = 0; i < 3; i++) {
            api.joined(busy, PresenceApi.newUser("fan"));
        }
        api.joined(quiet, PresenceApi.newUser("fan"));

        java.util.List<String> ids = api.as("observer").when().get("/boxes?published=true&limit=100").then()
                .statusCode(200).extract().jsonPath().getList("boxes.id");
        assertThat(ids).contains(busy.toString(), quiet.toString()).doesNotContain(empty.toString());
        assertThat(ids.indexOf(busy.toString())).isLessThan(ids.indexOf(quiet.toString()));
    }

    @Test
    void viewerCountChangesAreEmittedAtMostOncePerSecondPerBox() {
        UUID box = api.createBox(PresenceApi.newUser("streamer"));
        long started = System.nanoTime();
        for (int i = 0; i < 8; i++) {
            api.joined(box, PresenceApi.newUser("crowd"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> PresenceApi.events(events, box,
                "tally.presence.viewer-count-changed.v1").stream().anyMatch(e -> e.contains("\"liveConnections\":8")));
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(PresenceApi.events(events, box, "tally.presence.viewer-count-changed.v1").size())
                .isLessThanOrEqualTo((int) Math.ceil(seconds) + 1);
    }

    @Test
    void discoveryPagesWalkEveryPublishedBoxOnceInOrder() {
        // Keyset pages: boxes of other tests may change counts meanwhile, ours (fresh viewers) do not.
        java.util.List<String> ours = new java.util.ArrayList<>();
        for (int viewers = 3; viewers >= 1; viewers--) {
            UUID box = api.createBox(PresenceApi.newUser("paged"));
            ours.add(box.toString());
            for (int i = 0; i < viewers; i++) {
                api.joined(box, PresenceApi.newUser("fan"));
            }
        }
        java.util.List<String> seen = new java.util.ArrayList<>();
        String cursor = null;
        do {
            io.restassured.path.json.JsonPath page = api.as("observer").when()
                    .get("/boxes?published=true&limit=2" + (cursor == null ? "" : "&cursor=" + cursor))
                    .then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("boxes.id"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);

        assertThat(seen.stream().filter(ours::contains).toList()).containsExactlyElementsOf(ours);
    }

    @Test
    void theStreamerEndsTheBoxAndNobodyElseCan() {
        String streamer = PresenceApi.newUser("streamer");
        UUID box = api.createBox(streamer);
        api.joined(box, PresenceApi.newUser("fan"));

        api.as(PresenceApi.newUser("intruder")).when().delete("/boxes/" + box).then().statusCode(404);
        api.as(streamer).when().delete("/boxes/" + box).then().statusCode(204);

        api.box(box, "observer").then().body("published", equalTo(false)).body("liveConnections", equalTo(0));
        api.join(box, PresenceApi.newUser("late")).then().statusCode(409);
        await().atMost(Duration.ofSeconds(10)).until(() -> PresenceApi.events(events, box, BOX_UNPUBLISHED).size() == 1);
        assertThat(PresenceApi.events(events, box, BOX_UNPUBLISHED).get(0)).contains("ended");
    }
}
