package io.tally.presence;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tally.common.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats repeated with a token the full stack already accepted are answered ahead of it (counted by
 * tally.presence.heartbeats.fast) with the same answer; everything that is not plainly acceptable still gets
 * the full stack's error. Minimum heartbeat interval in tests: 200 ms.
 */
@QuarkusTest
class HeartbeatFastPathTest {

    private static final PresenceApi api = PresenceApi.local();

    @Inject
    MeterRegistry registry;

    @Inject
    Vertx vertx;

    @TestHTTPResource("/")
    URL root;

    private double fastAnswers() {
        return registry.counter("tally.presence.heartbeats.fast").count();
    }

    private static Response heartbeat(String bearer, UUID box, UUID connection) {
        return given().header("Authorization", bearer).when().put("/boxes/" + box + "/viewers/" + connection);
    }

    /** A viewer of a box with one connection, calling with one token throughout (as a client does). */
    private record Viewer(String id, String bearer, UUID connection) {
    }

    private static Viewer joined(UUID box, String prefix) {
        String id = PresenceApi.newUser(prefix);
        return new Viewer(id, TestTokens.bearer(id, "user"), api.joined(box, id));
    }

    /** A heartbeat with this token once the minimum interval has passed since the connection's last one. */
    private static Response heartbeatWhenAllowed(String bearer, UUID box, UUID connection) {
        return onceAllowed(() -> heartbeat(bearer, box, connection), Response::statusCode);
    }

    /** Repeats {@code heartbeat} (at most every 210 ms) until its answer is not a 429. */
    private static <T> T onceAllowed(Callable<T> heartbeat, ToIntFunction<T> status) {
        AtomicReference<T> answer = new AtomicReference<>();
        await().pollDelay(Duration.ofMillis(210)).atMost(Duration.ofSeconds(3)).until(() -> {
            answer.set(heartbeat.call());
            return status.applyAsInt(answer.get()) != 429;
        });
        return answer.get();
    }

    @Test
    void aRepeatedAcceptedTokenIsAnsweredAheadOfTheRestStackWithTheSameAnswer() {
        UUID box = api.createBox(PresenceApi.newUser("streamer"));
        Viewer viewer = joined(box, "viewer");
        String bearer = viewer.bearer();
        UUID connection = viewer.connection();

        double before = fastAnswers();
        Response first = heartbeatWhenAllowed(bearer, box, connection);
        first.then().statusCode(200).contentType("application/json");
        assertThat(fastAnswers()).as("the first heartbeat of a token goes through the full stack").isEqualTo(before);

        Response second = heartbeatWhenAllowed(bearer, box, connection);
        second.then().statusCode(200).contentType("application/json");
        assertThat(fastAnswers()).isEqualTo(before + 1);
        assertThat(second.body().asString()).isEqualTo(first.body().asString());
        assertThat(second.jsonPath().getString("connectionId")).isEqualTo(connection.toString());
    }

    /** What an HTTP/2 heartbeat was answered with. */
    private record Http2Answer(HttpVersion version, int status, String body) {
    }

    /** Cleartext HTTP/2 with prior knowledge, as an HTTP/2 proxy (and the bench's default transport) sends it. */
    private Http2Answer heartbeatOverHttp2(HttpClient client, String bearer, UUID box, UUID connection)
            throws Exception {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.PUT)
                .setAbsoluteURI(root + "boxes/" + box + "/viewers/" + connection)
                .putHeader(HttpHeaders.AUTHORIZATION, bearer);
        return client.request(request).compose(r -> r.send()).compose(response -> response.body()
                        .map(body -> new Http2Answer(response.version(), response.statusCode(), body.toString())))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void heartbeatsOverHttp2AreAnsweredByBothPaths() throws Exception {
        UUID box = api.createBox(PresenceApi.newUser("streamer"));
        Viewer viewer = joined(box, "viewer");
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        try {
            double before = fastAnswers();
            Http2Answer[] answers = new Http2Answer[2];
            for (int i = 0; i < answers.length; i++) {
                answers[i] = onceAllowed(() -> heartbeatOverHttp2(client, viewer.bearer(), box, viewer.connection()),
                        Http2Answer::status);
            }
            for (Http2Answer answer : answers) {
                assertThat(answer.version()).isEqualTo(HttpVersion.HTTP_2);
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.body()).contains(viewer.connection().toString());
            }
            assertThat(fastAnswers()).as("the second one was answered ahead of the full stack").isEqualTo(before + 1);
            assertThat(answers[1].body()).isEqualTo(answers[0].body());
        } finally {
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void tooSoonForeignUnknownAndLeftConnectionsStillGetTheirErrors() {
        UUID box = api.createBox(PresenceApi.newUser("streamer"));
        Viewer viewer = joined(box, "viewer");
        String bearer = viewer.bearer();
        UUID connection = viewer.connection();
        Viewer other = joined(box, "other");
        String otherBearer = other.bearer();
        UUID otherConnection = other.connection();
        heartbeatWhenAllowed(otherBearer, box, otherConnection).then().statusCode(200);
        heartbeatWhenAllowed(bearer, box, connection).then().statusCode(200);
        double before = fastAnswers();

        heartbeat(bearer, box, connection).then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", "1").body("type", equalTo("https://tally.dev/problems/heartbeat-too-fast"));
        heartbeatWhenAllowed(otherBearer, box, connection).then().statusCode(404)
                .contentType("application/problem+json");
        heartbeat(bearer, UUID.randomUUID(), connection).then().statusCode(404);
        heartbeat(bearer, box, UUID.randomUUID()).then().statusCode(404);
        given().header("Authorization", bearer).when().put("/boxes/" + box + "/viewers/not-a-uuid")
                .then().statusCode(404).contentType("application/problem+json");
        api.leave(box, connection, viewer.id()).then().statusCode(204);
        heartbeatWhenAllowed(bearer, box, connection).then().statusCode(404);
        heartbeat(bearer.replace("Bearer ", "Bearer x"), box, otherConnection).then().statusCode(401);
        assertThat(fastAnswers()).as("none of these was answered ahead of the full stack").isEqualTo(before);
    }
}
