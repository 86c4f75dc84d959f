package io.tally.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tally.common.testing.RateLimitWindows;
import io.tally.common.testing.TestSql;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Submissions are limited per user and per client IP (test limits: 30 per user, 50 per IP, per minute). */
@QuarkusTest
class RateLimitTest {

    @Inject
    Pool pool;

    @Test
    void theUserLimitAnswers429WithRetryAfterAndRateLimitHeaders() {
        startWellInsideAWindow();
        String user = JobsApi.newUser("eager");
        List<Response> responses = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            responses.add(JobsApi.submit(user, cheapImage()));
        }
        assertThat(responses.subList(0, 30)).allMatch(r -> r.statusCode() == 202);
        assertThat(responses.get(29).header("RateLimit-Remaining")).isEqualTo("0");
        Response refused = responses.get(30);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(refused.header("RateLimit-Limit")).isEqualTo("30");
    }

    @Test
    void theIpLimitCoversEveryUserBehindOneAddress() {
        startWellInsideAWindow();
        String ip = JobsApi.randomIp();
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 55; i++) {
            Response r = JobsApi.submit(JobsApi.newUser("nat"), cheapImage(), UUID.randomUUID().toString(), ip);
            if (r.statusCode() == 202) {
                accepted++;
            } else if (r.statusCode() == 429) {
                refused++;
            }
        }
        assertThat(accepted).isEqualTo(50);
        assertThat(refused).isEqualTo(5);
    }

    @Test
    void concurrentSubmissionsOfOneUserLetExactlyTheLimitThrough() throws Exception {
        startWellInsideAWindow();
        String user = JobsApi.newUser("burst");
        ExecutorService callers = Executors.newFixedThreadPool(40);
        try {
            List<Future<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                calls.add(callers.submit(() -> JobsApi.submit(user, cheapImage())));
            }
            List<Response> responses = new ArrayList<>();
            for (Future<Response> call : calls) {
                responses.add(call.get(30, TimeUnit.SECONDS));
            }

            List<Response> accepted = responses.stream().filter(r -> r.statusCode() == 202).toList();
            assertThat(accepted).hasSize(30);
            assertThat(responses.stream().filter(r -> r.statusCode() == 429)).hasSize(10);
            // Each accepted submission was counted on its own: remaining 29, 28, … 0, once each.
            assertThat(accepted.stream().map(r -> Integer.parseInt(r.header("RateLimit-Remaining"))))
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 30).boxed().toList());
            assertThat(TestSql.count(pool, "SELECT count(*) FROM jobs WHERE user_id = $1", user)).isEqualTo(30);
        } finally {
            callers.shutdownNow();
        }
    }

    /** Windows are aligned to the minute; starting in its last seconds could split the test over two windows. */
    private static void startWellInsideAWindow() {
        RateLimitWindows.awaitRoomFor(Duration.ofSeconds(20), Duration.ofMinutes(1));
    }

    private static Map<String, Object> cheapImage() {
        return Map.of("type", "text_to_image", "prompt", "a red dot", "resolution", "480p");
    }
}
