package io.tally.jobs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Every field of a job and every worker report is checked: a clear 4xx problem, and nothing stored. */
@QuarkusTest
class JobValidationTest {

    @Inject
    Pool pool;

    @Test
    void quotesPriceWithoutCreatingAnything() {
        given().header("Authorization", TestTokens.bearer("quoter", "user"))
                .queryParam("type", "text_to_video").queryParam("durationSeconds", 5)
                .queryParam("resolution", "1080p").queryParam("quality", "high")
                .when().get("/jobs/quote")
                .then().statusCode(200).body("cost", equalTo(15)).body("spec.model", equalTo("standard"));
        given().header("Authorization", TestTokens.bearer("quoter", "user"))
                .queryParam("type", "text_to_image").queryParam("resolution", "1024x1024")
                .when().get("/jobs/quote")
                .then().statusCode(200).body("cost", equalTo(1));
        given().header("Authorization", TestTokens.bearer("quoter", "user"))
                .queryParam("type", "text_to_video").queryParam("durationSeconds", 61)
                .when().get("/jobs/quote")
                .then().statusCode(400).body("errors.field", hasItem("durationSeconds"));
        assertThat(TestSql.count(pool, "SELECT count(*) FROM jobs WHERE user_id = 'quoter'")).isZero();
    }

    @Test
    void everyBadFieldIsA400NamingIt() {
        String user = JobsApi.newUser("invalid");
        rejected(user, b -> b.put("imageUrl", "https://cdn.example.com/x.png"), "imageUrl"); // not image_to_video
        rejected(user, b -> b.put("type", "image_to_video"), "imageUrl");                   // missing
        rejected(user, b -> { b.put("type", "image_to_video"); b.put("imageUrl", "ftp://host/x.png"); }, "imageUrl");
        rejected(user, b -> { b.put("type", "image_to_video"); b.put("imageUrl", "javascript:alert(1)"); }, "imageUrl");
        rejected(user, b -> { b.put("type", "image_to_video"); b.put("imageUrl", "not a url"); }, "imageUrl");
        rejected(user, b -> b.put("durationSeconds", 0), "durationSeconds");
        rejected(user, b -> b.put("durationSeconds", 61), "durationSeconds");
        rejected(user, b -> b.put("durationSeconds", "five"), "durationSeconds");
        rejected(user, b -> b.put("type", "text_to_song"), "type");
        rejected(user, b -> b.remove("type"), "type");
        rejected(user, b -> b.put("prompt", "x".repeat(100_000)), "prompt");
        rejected(user, b -> b.put("prompt", "   "), "prompt");
        rejected(user, b -> b.put("prompt", "nul\u0000byte"), "prompt");
        rejected(user, b -> b.put("resolution", "8k"), "resolution");
        rejected(user, b -> b.put("resolution", "1000x1000"), "resolution");
        rejected(user, b -> b.put("aspectRatio", "7:5"), "aspectRatio");
        rejected(user, b -> b.put("quality", "ultra"), "quality");
        rejected(user, b -> b.put("model", "'; DROP TABLE jobs; --"), "model");
        rejected(user, b -> b.put("priority", 11), "priority");
        rejected(user, b -> b.put("unexpected", true), "unexpected");
        Map<String, String> tooMany = new java.util.HashMap<>();
        IntStream.range(0, 21).forEach(i -> tooMany.put("k" + i, "v"));
        rejected(user, b -> b.put("metadata", tooMany), "metadata");
        rejected(user, b -> b.put("metadata", Map.of("k".repeat(41), "v")), "metadata");
        rejected(user, b -> b.put("metadata", Map.of("order", "x".repeat(501))), "metadata.order");
        rejected(user, b -> b.put("metadata", Map.of("order", "line\nbreak")), "metadata.order");

        given().header("Authorization", TestTokens.bearer(user, "user")).header("Idempotency-Key", "k1")
                .contentType(ContentType.JSON).body("{\"type\": \"text_to_video\", ")
                .when().post("/jobs").then().statusCode(400).contentType("application/problem+json");
        given().header("Authorization", TestTokens.bearer(user, "user"))
                .contentType(ContentType.JSON).body(JobsApi.video())
                .when().post("/jobs").then().statusCode(400).body("type", equalTo("https://tally.dev/problems/idempotency-key-missing"));
        assertThat(TestSql.count(pool, "SELECT count(*) FROM jobs WHERE user_id = $1", user)).isZero();
    }

    /** Priority goes before fairness in the claim and costs nothing, so a user cannot take it (reviews: M3). */
    @Test
    void onlyTheAppsBackendOrAnAdminMayRaiseAJobsPriority() {
        String user = JobsApi.newUser("priority");
        Map<String, Object> urgent = JobsApi.video();
        urgent.put("priority", 9);
        JobsApi.submit(user, urgent).then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("https://tally.dev/problems/priority-reserved"));
        assertThat(TestSql.count(pool, "SELECT count(*) FROM jobs WHERE user_id = $1", user)).isZero();

        Map<String, Object> background = JobsApi.video();
        background.put("priority", 2);
        JobsApi.submit(user, background).then().statusCode(202);
        given().header("Authorization", TestTokens.bearer(user, "user", "service"))
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType(ContentType.JSON).body(urgent).when().post("/jobs").then().statusCode(202);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM jobs WHERE user_id = $1", user)).isEqualTo(2);
        assertThat(TestSql.count(pool, "SELECT max(priority) FROM jobs WHERE user_id = $1", user)).isEqualTo(9);
    }

    @Test
    void rolesAndTokensAreEnforced() {
        given().contentType(ContentType.JSON).body(JobsApi.video()).when().post("/jobs").then().statusCode(401)
                .contentType("application/problem+json");
        given().header("Authorization", "Bearer " + TestTokens.expired("u", "user")).when().get("/jobs")
                .then().statusCode(401);
        given().header("Authorization", "Bearer " + TestTokens.forged("u", "user")).when().get("/jobs")
                .then().statusCode(401);
        given().header("Authorization", TestTokens.bearer("u", "user")).contentType(ContentType.JSON)
                .body(Map.of("limit", 1)).when().post("/worker/jobs/claim").then().statusCode(403);
        given().header("Authorization", TestTokens.bearer("u", "user")).when().get("/jobs/admin/queue")
                .then().statusCode(403);
        given().header("Authorization", TestTokens.bearer("ops", "admin")).when().get("/jobs/admin/queue")
                .then().statusCode(200).body("jobsByStatus.QUEUED", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void workerReportsAreValidatedToo() {
        UUID unknown = UUID.randomUUID();
        JobsApi.report(JobsApi.WORKER, unknown, "heartbeat", Map.of("leaseToken", UUID.randomUUID().toString()))
                .then().statusCode(404);
        JobsApi.report(JobsApi.WORKER, unknown, "heartbeat", Map.of("leaseToken", "nope")).then().statusCode(400);
        JobsApi.report(JobsApi.WORKER, unknown, "heartbeat",
                Map.of("leaseToken", UUID.randomUUID().toString(), "progress", 101)).then().statusCode(400);
        JobsApi.report(JobsApi.WORKER, unknown, "fail", Map.of("leaseToken", UUID.randomUUID().toString()))
                .then().statusCode(400).body("errors.field", hasItem("error"));
        given().header("Authorization", TestTokens.bearer(JobsApi.WORKER, "worker")).contentType(ContentType.JSON)
                .body(Map.of("limit", 1000)).when().post("/worker/jobs/claim").then().statusCode(400);
        given().header("Authorization", TestTokens.bearer(JobsApi.WORKER, "worker")).contentType(ContentType.JSON)
                .body(Map.of("types", java.util.List.of("text_to_song"))).when().post("/worker/jobs/claim")
                .then().statusCode(400);
    }

    private static void rejected(String user, Consumer<Map<String, Object>> breakIt, String field) {
        Map<String, Object> body = JobsApi.video();
        breakIt.accept(body);
        JobsApi.submit(user, body).then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem(field));
    }
}
