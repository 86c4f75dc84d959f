package io.tally.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.tally.common.testing.AllAtOnce;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One user cannot take more than their share (reviews: jobs-presence): a streamer has at most 5 open boxes and a viewer
 * at most 10 connections to a box, and requests sent all at once cannot race past either cap.
 */
@QuarkusTest
class PerUserCapsTest {

    private static final PresenceApi api = PresenceApi.local();

    @Test
    void aStreamerHasAtMostFiveOpenBoxesEvenWhenCreatingTwelveAtOnce() {
        String streamer = PresenceApi.newUser("prolific");
        List<Response> answers = AllAtOnce.run(12, () -> api.as(streamer).contentType(ContentType.JSON)
                .body(Map.of("title", "one of many")).when().post("/boxes"));

        assertThat(answers).filteredOn(r -> r.statusCode() == 201).hasSize(5);
        assertThat(answers).filteredOn(r -> r.statusCode() == 429).hasSize(7)
                .allSatisfy(r -> assertThat(r.jsonPath().getString("type")).endsWith("/too-many-boxes"));
        UUID first = UUID.fromString(answers.stream().filter(r -> r.statusCode() == 201).findFirst().orElseThrow()
                .jsonPath().getString("id"));
        api.as(streamer).when().delete("/boxes/" + first).then().statusCode(204);
        api.createBox(streamer); // an ended box frees its place
    }

    @Test
    void aViewerHasAtMostTenConnectionsToABoxEvenWhenJoiningTwentyAtOnce() {
        UUID box = api.createBox(PresenceApi.newUser("streamer"));
        String viewer = PresenceApi.newUser("many-tabs");
        List<Response> answers = AllAtOnce.run(20, () -> api.join(box, viewer));

        assertThat(answers).filteredOn(r -> r.statusCode() == 201).hasSize(10);
        assertThat(answers).filteredOn(r -> r.statusCode() == 429).hasSize(10);
        assertThat(api.box(box, "observer").then().statusCode(200).extract().<Integer>path("liveConnections")).isEqualTo(10);
    }
}
