package io.tally.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
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

    @Inject
    Pool pool;

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
        assertThat(data).hasSize(7);
        assertThat(data.get(0)).contains("\"status\":\"PENDING\"");
        assertThat(data.get(1)).contains("\"status\":\"QUEUED\"");
        assertThat(data.get(2)).contains("\"status\":\"PROCESSING\"").contains("\"progress\":0");
        assertThat(data.get(3)).contains("\"status\":\"PROCESSING\"").contains("\"progress\":30");
        assertThat(data.get(4)).contains("\"status\":\"PROCESSING\"").contains("\"progress\":60");
        assertThat(data.get(5)).contains("\"status\":\"COMPLETED\"").contains("\"progress\":100");
        // The stream ends once the job's money is settled: its hold captured.
        assertThat(data.get(6)).contains("\"status\":\"COMPLETED\"").contains("\"detail\":\"charged 15 credits\"");
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

    /**
     * A change committed through another replica (here: a history row written straight to the database, so no
     * local signal wakes the stream) reaches the stream through the shared poll.
     */
    @Test
    void aChangeMadeElsewhereReachesTheStreamThroughTheSharedPoll() throws Exception {
        String user = JobsApi.newUser("elsewhere");
        UUID job = JobsApi.submitted(user, JobsApi.video());
        JobsApi.awaitStatus(user, job, "QUEUED");
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<HttpResponse<Stream<String>>> response = HttpClient.newHttpClient()
                .sendAsync(eventsRequest(job, user), HttpResponse.BodyHandlers.ofLines());
        response.thenAccept(r -> r.body().forEach(lines::add));
        await().atMost(Duration.ofSeconds(5)).until(() -> dataLines(lines).size() == 2); // PENDING, QUEUED

        TestSql.execute(pool, "INSERT INTO job_history (job_id, status, progress, detail) VALUES ($1, 'QUEUED', 0, $2)",
                job, "written by another replica");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> dataLines(lines).stream().anyMatch(l -> l.contains("written by another replica")));
        response.cancel(true);
    }

    @Test
    void aUserHoldsAtMostTenStreamsAtOnce() throws Exception {
        String user = JobsApi.newUser("hoarder");
        UUID job = JobsApi.submitted(user, JobsApi.video());
        JobsApi.awaitStatus(user, job, "QUEUED");
        List<java.net.Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                open.add(openStream(job, user));
            }
            HttpResponse<String> eleventh = HttpClient.newHttpClient().send(eventsRequest(job, user),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(eleventh.statusCode()).isEqualTo(429);
            assertThat(eleventh.body()).contains("too-many-streams");

            // A client that goes away frees its place.
            open.remove(0).close();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                java.net.Socket again = streamRequest(job, user);
                if (statusLine(again).startsWith("HTTP/1.1 200")) {
                    open.add(again);
                    return true;
                }
                again.close();
                return false;
            });
        } finally {
            for (java.net.Socket socket : open) {
                socket.close();
            }
        }
    }

    /** An event stream over a plain socket, so the test can drop the connection for sure; asserts it was accepted. */
    private java.net.Socket openStream(UUID job, String user) throws Exception {
        java.net.Socket socket = streamRequest(job, user);
        assertThat(statusLine(socket)).startsWith("HTTP/1.1 200");
        return socket;
    }

    private java.net.Socket streamRequest(UUID job, String user) throws Exception {
        java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort());
        socket.getOutputStream().write(("GET /jobs/" + job + "/events HTTP/1.1\r\nHost: " + base.getHost() + "\r\n"
                + "Authorization: " + TestTokens.bearer(user, "user") + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return socket;
    }

    private static String statusLine(java.net.Socket socket) throws Exception {
        return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                java.nio.charset.StandardCharsets.US_ASCII)).readLine();
    }

    private HttpRequest eventsRequest(UUID job, String user) {
        return HttpRequest.newBuilder(URI.create(base + "jobs/" + job + "/events"))
                .header("Authorization", TestTokens.bearer(user, "user"))
                .header("Accept", "text/event-stream").build();
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
