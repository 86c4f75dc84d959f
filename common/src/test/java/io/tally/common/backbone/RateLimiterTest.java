package io.tally.common.backbone;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.tally.common.ratelimit.RateLimitDecision;
import io.tally.common.ratelimit.RateLimiter;
import io.tally.common.testing.RateLimitWindows;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TestTokens;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RateLimiterTest {

    @Inject
    Pool pool;
    @Inject
    RateLimiter limiter;
    @Inject
    Vertx vertx;
    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String url;
    @ConfigProperty(name = "quarkus.datasource.username")
    String user;
    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @Test
    void twoLimitersSharingTheTableNeverLetMoreThanTheLimitThrough() {
        // A second limiter on its own connection pool plays a second replica.
        Pool otherPool = PgBuilder.pool().with(new PoolOptions().setMaxSize(8))
                .connectingTo(PgConnectOptions.fromUri(url).setUser(user).setPassword(password)
                        .addProperty("search_path", "backbone"))
                .using(vertx).build();
        try {
            RateLimiter otherReplica = new RateLimiter(otherPool);
            String bucket = "shared-" + UUID.randomUUID();
            List<Uni<RateLimitDecision>> hits = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                RateLimiter replica = i % 2 == 0 ? limiter : otherReplica;
                hits.add(replica.hit(bucket, 50, Duration.ofDays(1)));
            }
            List<RateLimitDecision> decisions = Uni.join().all(hits).andFailFast().await().atMost(Duration.ofSeconds(30));

            assertThat(decisions.stream().filter(RateLimitDecision::allowed)).hasSize(50);
            assertThat(TestSql.count(pool, "SELECT count(*) FROM rate_limit_windows WHERE bucket = $1", bucket))
                    .isEqualTo(1);
        } finally {
            otherPool.closeAndAwait();
        }
    }

    @Test
    void aBatchOfHitsIsDecidedAsIfTheyCameOneAfterTheOther() {
        String a = "batch-a-" + UUID.randomUUID();
        String b = "batch-b-" + UUID.randomUUID();
        limiter.hit(a, 3, Duration.ofDays(1)).await().indefinitely();

        List<RateLimitDecision> decisions = limiter.hitAll(pool, List.of(a, b, a, a, b), 3, Duration.ofDays(1))
                .await().indefinitely();

        assertThat(decisions).extracting(RateLimitDecision::allowed).containsExactly(true, true, true, false, true);
        assertThat(decisions).extracting(RateLimitDecision::remaining).containsExactly(1, 2, 0, 0, 1);
        assertThat(TestSql.count(pool, "SELECT hits FROM rate_limit_windows WHERE bucket = $1", a)).isEqualTo(4);
    }

    @Test
    void theWindowLengthIsHonoured() {
        String bucket = "window-" + UUID.randomUUID();
        Duration window = Duration.ofSeconds(2);
        RateLimitWindows.awaitRoomFor(Duration.ofSeconds(1), window);
        List<RateLimitDecision> burst = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            burst.add(limiter.hit(bucket, 3, window).await().indefinitely());
        }
        assertThat(burst.stream().filter(RateLimitDecision::allowed)).hasSize(3);
        assertThat(burst.get(3).resetSeconds()).isBetween(1L, 2L);

        // The next window opens within the window length, not a fixed minute later.
        await().atMost(Duration.ofSeconds(3)).until(() -> limiter.hit(bucket, 3, window).await().indefinitely().allowed());
    }

    @Test
    void overTheLimitAnswers429WithRateLimitHeaders() {
        String token = TestTokens.bearer("limited-" + UUID.randomUUID(), "user");
        RateLimitWindows.awaitRoomFor(Duration.ofSeconds(10), Duration.ofMinutes(1));
        given().header("Authorization", token).when().get("/test/limited").then().statusCode(200)
                .body("remaining", equalTo(1));
        given().header("Authorization", token).when().get("/test/limited").then().statusCode(200);
        given().header("Authorization", token).when().get("/test/limited").then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .header("RateLimit-Limit", "2")
                .header("RateLimit-Remaining", "0")
                .header("RateLimit-Reset", notNullValue())
                .body("type", equalTo("https://tally.dev/problems/rate-limited"));
    }
}
