package io.tally.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tally.common.testing.ServiceProcess;
import io.tally.common.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A service stopped with SIGTERM (what Kubernetes sends after preStop) while clients follow Server-Sent Event
 * streams: each stream gets a last {@code reconnect} event with a {@code retry:} hint and ends at once, instead of
 * being cut when the process exits or holding the shutdown for quarkus.shutdown.timeout (20 s).
 */
class GracefulShutdownIT {

    /** Well under quarkus.shutdown.timeout: the streams must not be what the shutdown waits for. */
    private static final Duration PROMPTLY = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aJobsEventStreamEndsWithAReconnectHint() throws Exception {
        try (ServiceProcess jobs = ServiceProcess.start("jobs-service", Map.of())) {
            String user = "shutdown-" + UUID.randomUUID();
            // Stays PENDING: no credits-service answers its charge, so the stream stays open.
            HttpResponse<String> submitted = send(jobs, "POST", "/jobs", user,
                    "{\"type\":\"text_to_image\",\"prompt\":\"a lighthouse\",\"quality\":\"standard\"}");
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
            String jobId = TallyClient.JSON.readTree(submitted.body()).get("id").asText();
            assertStreamEndsWithReconnectOnSigterm(jobs, "/jobs/" + jobId + "/events", user, "event:status");
        }
    }

    @Test
    void aBoxStreamEndsWithAReconnectHint() throws Exception {
        try (ServiceProcess presence = ServiceProcess.start("presence-service", Map.of())) {
            String streamer = "shutdown-" + UUID.randomUUID();
            HttpResponse<String> created = send(presence, "POST", "/boxes", streamer, "{\"title\":\"Last stream\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String boxId = TallyClient.JSON.readTree(created.body()).get("id").asText();
            assertStreamEndsWithReconnectOnSigterm(presence, "/boxes/" + boxId + "/stream", streamer, "event:snapshot");
        }
    }

    private static void assertStreamEndsWithReconnectOnSigterm(ServiceProcess service, String path, String user,
                                                               String firstEvent) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                .header("Authorization", TestTokens.bearer(user, "user")).header("Accept", "text/event-stream").build();
        HttpResponse<Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> reading = CompletableFuture.runAsync(
                () -> response.body().forEach(line -> lines.add(line.replace(": ", ":"))));
        await("the stream's first event").atMost(Duration.ofSeconds(20)).until(() -> lines.contains(firstEvent));

        long stopping = System.nanoTime();
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(service::close);   // SIGTERM, then waits
        reading.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
        Duration ended = Duration.ofNanos(System.nanoTime() - stopping);

        assertThat(lines).as("the stream's last lines").contains("event:reconnect", "retry:1000");
        assertThat(lines.indexOf("event:reconnect")).isGreaterThan(lines.indexOf(firstEvent));
        assertThat(ended).as("the stream ended after SIGTERM").isLessThan(PROMPTLY);
        stopped.get(30, TimeUnit.SECONDS);
        assertThat(service.isAlive()).isFalse();
    }

    private static HttpResponse<String> send(ServiceProcess service, String method, String path, String user, String body)
            throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                .header("Authorization", TestTokens.bearer(user, "user")).header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
