package io.tally.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Submissions are limited per user and per client IP (test limits: 30 per user, 50 per IP, per minute). */
@QuarkusTest
class RateLimitTest {

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

    /** Windows are aligned to the minute; starting in its last seconds could split the test over two windows. */
    private static void startWellInsideAWindow() {
        await().atMost(Duration.ofSeconds(20)).until(() -> Instant.now().getEpochSecond() % 60 < 40);
    }

    private static Map<String, Object> cheapImage() {
        return Map.of("type", "text_to_image", "prompt", "a red dot", "resolution", "480p");
    }
}
