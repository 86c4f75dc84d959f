package io.tally.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.TestTokens;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /jobs/{id}/events sees every status and progress change, and ends when the job is settled. */
@QuarkusTest
class JobEventStreamTest {

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void emptyQueue() {
        JobsApi.drainQueue();
    }

    @Test
    void theStreamSeesEveryTransitionAndEndsAtTheTerminalState() throws Exception {
        String user = JobsApi.newUser("sse");
        UUID job = JobsApi.submitted(user, JobsApi.video());
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "jobs/" + job + "/events"))
                .header("Authorization", TestTokens.bearer(user, "user"))
                .header("Accept", "text/event-stream").build();
        CompletableFuture<HttpResponse<Stream<String>>> response = HttpClient.newHttpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        CompletableFuture<Void> ended = response.thenAccept(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            r.body().forEach(lines::add);
        });

        JobsApi.awaitStatus(user, job, "QUEUED");
        Map<String, Object> claimed = JobsApi.claim(JobsApi.WORKER, 1, 60, 0).get(0);
        String token = JobsApi.tokenOf(claimed);
        JobsApi.heartbeat(job, token, 30).then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> dataLines(lines).stream().anyMatch(l -> l.contains("\"progress\":30")));
        JobsApi.heartbeat(job, token, 60).then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> dataLines(lines).stream().anyMatch(l -> l.contains("\"progress\":60")));
        JobsApi.complete(job, token).then().statusCode(200);

        ended.get(10, java.util.concurrent.TimeUnit.SECONDS); // the server closed the stream
        List<String> data = dataLines(lines);
        assertThat(data).hasSize(6);
        assertThat(data.get(0)).contains("\"status\":\"PENDING\"");
        assertThat(data.get(1)).contains("\"status\":\"QUEUED\"");
        assertThat(data.get(2)).contains("\"status\":\"PROCESSING\"").contains("\"progress\":0");
        assertThat(data.get(3)).contains("\"status\":\"PROCESSING\"").contains("\"progress\":30");
        assertThat(data.get(4)).contains("\"status\":\"PROCESSING\"").contains("\"progress\":60");
        assertThat(data.get(5)).contains("\"status\":\"COMPLETED\"").contains("\"progress\":100");
    }

    @Test
    void aReconnectingClientResumesAfterLastEventId() throws Exception {
        String user = JobsApi.newUser("resume");
        UUID job = JobsApi.submitted(user, JobsApi.video());
        JobsApi.awaitStatus(user, job, "QUEUED");
        JobsApi.userPost(user, "/jobs/" + job + "/cancel").then().statusCode(200);
        JobsApi.awaitStatus(user, job, "REFUNDED");

        List<String> all = read(job, user, null);
        assertThat(dataLines(all)).hasSize(4); // PENDING, QUEUED, CANCELLED, REFUNDED
        String secondId = all.stream().filter(l -> l.startsWith("id:")).skip(1).findFirst().orElseThrow()
                .substring(3).trim();
        List<String> rest = dataLines(read(job, user, secondId));
        assertThat(rest).hasSize(2);
        assertThat(rest.get(0)).contains("CANCELLED");
        assertThat(rest.get(1)).contains("REFUNDED");
    }

    private List<String> read(UUID job, String user, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "jobs/" + job + "/events"))
                .header("Authorization", TestTokens.bearer(user, "user"))
                .timeout(Duration.ofSeconds(10));
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient()
                .send(request.build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body().toList();
    }

    private static List<String> dataLines(List<String> lines) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.startsWith("data:")).toList();
        }
    }
}
