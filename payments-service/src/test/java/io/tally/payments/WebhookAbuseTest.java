package io.tally.payments;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.tally.common.testing.RateLimitWindows;
import io.tally.common.testing.TestSql;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Someone on the internet floods /webhooks with large forged bodies. Each refusal is logged as metadata only, the
 * sender's address is cut off before the database once its refusal budget is spent, and the service stays ready
 * and keeps taking genuine deliveries from everyone else.
 */
@QuarkusTest
@TestProfile(WebhookAbuseTest.SmallRefusalBudget.class)
class WebhookAbuseTest {

    private static final int BUDGET = 20;
    private static final int FLOOD = 300;
    private static final int BODY_BYTES = 900 * 1024;

    /**
     * A budget small enough to spend in a test (the default is 30 a minute), over a window longer than the flood
     * takes to send (900 KB at a time), so that no new window starts in the middle of it.
     */
    public static class SmallRefusalBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tally.payments.webhooks.refusals-per-address", Integer.toString(BUDGET),
                    "tally.payments.webhooks.refusal-window", "30m");
        }
    }

    @Inject
    Pool pool;

    @Inject
    MeterRegistry metrics;

    @Test
    void aFloodOfLargeForgedBodiesIsLoggedAsMetadataAndCutOffBeforeTheDatabase() throws Exception {
        String attacker = "203.0.113." + (1 + new SecureRandom().nextInt(254));
        // Random Base64 does not compress: a body stored whole would take its full size in the table.
        byte[] noise = new byte[BODY_BYTES * 3 / 4];
        new SecureRandom().nextBytes(noise);
        byte[] body = ("{\"id\":\"evt_flood\",\"padding\":\"" + Base64.getEncoder().encodeToString(noise) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        long tableBytesBefore = tableBytes();
        double throttledBefore = throttled();

        // The refusal budget is per 30-minute window, aligned; a boundary mid-flood would refill it.
        RateLimitWindows.awaitRoomFor(Duration.ofMinutes(1), Duration.ofMinutes(30));
        List<Integer> statuses = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest delivery = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/webhooks/stripe"))
                .header("X-Forwarded-For", attacker).header("Stripe-Signature", "t=1,v1=00")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        for (int i = 0; i < FLOOD; i++) {
            HttpResponse<String> response = http.send(delivery, HttpResponse.BodyHandlers.ofString());
            statuses.add(response.statusCode());
            answers.add(response.body());
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            if (response.statusCode() == 429) {
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
            }
        }

        // The first refusals are answered as what they are (too large) and logged; then the address is cut off.
        assertThat(statuses.subList(0, BUDGET)).as("first answer: %s", answers.get(0)).containsOnly(413);
        assertThat(statuses.subList(BUDGET, FLOOD)).containsOnly(429);
        assertThat(throttled() - throttledBefore).isEqualTo(FLOOD - BUDGET);

        List<Row> logged = new ArrayList<>();
        pool.preparedQuery("""
                        SELECT raw_payload, body_bytes, body_sha256, octet_length(body_excerpt) AS excerpt_bytes,
                               remote_address, outcome, detail
                          FROM webhook_deliveries WHERE remote_address = $1""")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(attacker)).await().atMost(Duration.ofSeconds(10))
                .forEach(logged::add);
        assertThat(logged).hasSize(BUDGET).allSatisfy(row -> {
            assertThat(row.getString("raw_payload")).isNull();
            assertThat(row.getInteger("body_bytes")).isEqualTo(body.length);
            assertThat(row.getString("body_sha256")).isEqualTo(sha256);
            assertThat(row.getInteger("excerpt_bytes")).isBetween(1, 2048);
            assertThat(row.getString("outcome")).isEqualTo("rejected_malformed");
            assertThat(row.getString("detail")).contains("exceeds");
        });
        long grown = tableBytes() - tableBytesBefore;
        long grownPerRefusal = grown / FLOOD;
        System.out.printf("webhook flood: %d forged %d-byte bodies, %d logged, %d throttled; table grew %d bytes "
                + "(%d per refusal)%n", FLOOD, body.length, logged.size(), FLOOD - BUDGET, grown, grownPerRefusal);
        assertThat(grownPerRefusal).as("bytes the table grew by per refused %d-byte body", body.length)
                .isLessThan(4096);

        // Nobody else is affected: the service is ready and a genuine delivery from another address is applied.
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        StripeWebhooks.signed(StripeWebhooks.succeeded(StripeWebhooks.newIntentId(), UUID.randomUUID().toString(), 99_00,
                "thb")).post().then().statusCode(200).body("outcome", equalTo("unknown_payment"));
    }

    /** webhook_deliveries on disk: heap, TOAST and indexes. */
    private long tableBytes() {
        return TestSql.count(pool, "SELECT pg_total_relation_size('webhook_deliveries')");
    }

    private double throttled() {
        return Optional.ofNullable(metrics.find("tally.payments.webhooks.throttled").tag("provider", "stripe")
                .counter()).map(Counter::count).orElse(0.0);
    }
}
