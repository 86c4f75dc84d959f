package io.tally.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.TestTokens;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The box's Server-Sent Events follow publishing and viewer counts, and end with the box. */
@QuarkusTest
class BoxStreamTest {

    @TestHTTPResource("/")
    URL root;

    private final PresenceApi api = PresenceApi.local();

    @Test
    void theStreamShowsPublishingCountsAndTheEnd() throws Exception {
        String streamer = PresenceApi.newUser("streamer");
        UUID box = api.createBox(streamer);
        List<String> eventNames = new CopyOnWriteArrayList<>();
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(root + "boxes/" + box + "/stream"))
                .header("Authorization", TestTokens.bearer("watcher", "user")).build();
        HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("event:")) {
                        eventNames.add(line.substring("event:".length()).trim());
                    }
                }
            } catch (java.io.IOException ignored) {
                // the stream was closed
            }
        });
        reader.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> eventNames.contains("snapshot"));

        String viewer = PresenceApi.newUser("viewer");
        UUID connection = api.joined(box, viewer);
        await().atMost(Duration.ofSeconds(5)).until(() -> eventNames.contains("published") && eventNames.contains("viewers"));
        api.leave(box, connection, viewer).then().statusCode(204);
        await().atMost(Duration.ofSeconds(5)).until(() -> eventNames.contains("unpublished"));
        api.as(streamer).when().delete("/boxes/" + box).then().statusCode(204);
        await().atMost(Duration.ofSeconds(5)).until(() -> eventNames.contains("ended"));
        reader.join(Duration.ofSeconds(5).toMillis());

        assertThat(reader.isAlive()).as("the stream ends with the box").isFalse();
        assertThat(eventNames).containsSubsequence("snapshot", "published", "unpublished", "ended");
    }

    @Test
    void anUnknownBoxIsA404NotABrokenStream() {
        api.as("watcher").when().get("/boxes/" + UUID.randomUUID() + "/stream").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
