package io.tally.presence;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.tally.common.testing.TestKafka;
import io.tally.common.testing.TopicReader;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The presence API as tests call it (against the in-process service or another replica's base URL). */
final class PresenceApi {

    static final String BOX_PUBLISHED = "tally.presence.box-published.v1";
    static final String BOX_UNPUBLISHED = "tally.presence.box-unpublished.v1";

    private final String baseUrl;

    PresenceApi(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** The service under test (RestAssured's default port). */
    static PresenceApi local() {
        return new PresenceApi(null);
    }

    static String newUser(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    RequestSpecification as(String user) {
        RequestSpecification spec = given().header("Authorization", io.tally.common.testing.TestTokens.bearer(user, "user"));
        return baseUrl == null ? spec : spec.baseUri(baseUrl);
    }

    UUID createBox(String streamer) {
        return UUID.fromString(as(streamer).contentType(ContentType.JSON).body(Map.of("title", "Live with " + streamer))
                .when().post("/boxes").then().statusCode(201).extract().path("id"));
    }

    Response join(UUID box, String viewer) {
        return as(viewer).when().post("/boxes/" + box + "/viewers");
    }

    UUID joined(UUID box, String viewer) {
        return UUID.fromString(join(box, viewer).then().statusCode(201).extract().path("connectionId"));
    }

    Response heartbeat(UUID box, UUID connection, String viewer) {
        return as(viewer).when().put("/boxes/" + box + "/viewers/" + connection);
    }

    Response leave(UUID box, UUID connection, String viewer) {
        return as(viewer).when().delete("/boxes/" + box + "/viewers/" + connection);
    }

    Response box(UUID box, String user) {
        return as(user).when().get("/boxes/" + box);
    }

    boolean published(UUID box) {
        return box(box, "observer").then().statusCode(200).extract().path("published");
    }

    /** The box's events of one type on tally.presence.events. */
    static List<String> events(TopicReader reader, UUID box, String type) {
        return reader.withKey(box.toString()).stream().filter(r -> type.equals(TestKafka.header(r, "ce_type")))
                .map(r -> r.value()).toList();
    }
}
