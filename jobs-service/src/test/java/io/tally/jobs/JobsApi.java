package io.tally.jobs;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.tally.common.testing.CreditsServiceResource;
import io.tally.common.testing.TestTokens;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** The jobs API as the tests call it (a user, a worker fleet, an operator), plus the real credits-service. */
final class JobsApi {

    static final Duration SAGA_WAIT = Duration.ofSeconds(20);
    static final String WORKER = "worker-tests";

    private JobsApi() {
    }

    static String newUser(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** 5 s of 1080p high text-to-video: 15 credits (the users' signup bonus is 100). */
    static Map<String, Object> video() {
        Map<String, Object> body = new HashMap<>();
        body.put("type", "text_to_video");
        body.put("prompt", "a lighthouse in a storm, cinematic");
        body.put("durationSeconds", 5);
        body.put("resolution", "1080p");
        body.put("quality", "high");
        return body;
    }

    static Response submit(String user, Map<String, Object> body) {
        return submit(user, body, UUID.randomUUID().toString(), randomIp());
    }

    static Response submit(String user, Map<String, Object> body, String key, String ip) {
        return given().header("Authorization", TestTokens.bearer(user, "user"))
                .header("Idempotency-Key", key)
                .header("X-Forwarded-For", ip)
                .contentType(ContentType.JSON).body(body)
                .when().post("/jobs");
    }

    /** Submits and returns the new job's id (202 expected). */
    static UUID submitted(String user, Map<String, Object> body) {
        Response response = submit(user, body);
        response.then().statusCode(202);
        return UUID.fromString(response.jsonPath().getString("id"));
    }

    static Response job(String user, UUID id) {
        return given().header("Authorization", TestTokens.bearer(user, "user")).when().get("/jobs/" + id);
    }

    static String status(String user, UUID id) {
        return job(user, id).then().statusCode(200).extract().jsonPath().getString("status");
    }

    static void awaitStatus(String user, UUID id, String status) {
        await().atMost(SAGA_WAIT).until(() -> status.equals(status(user, id)));
    }

    static Response userPost(String user, String path) {
        return given().header("Authorization", TestTokens.bearer(user, "user")).when().post(path);
    }

    // --- Worker ----------------------------------------------------------------------------------------------

    static List<Map<String, Object>> claim(String worker, int limit, int leaseSeconds, int waitSeconds) {
        return given().header("Authorization", TestTokens.bearer(worker, "worker"))
                .contentType(ContentType.JSON)
                .body(Map.of("limit", limit, "leaseSeconds", leaseSeconds, "waitSeconds", waitSeconds))
                .when().post("/worker/jobs/claim")
                .then().statusCode(200).extract().jsonPath().getList("jobs");
    }

    @SuppressWarnings("unchecked")
    static UUID idOf(Map<String, Object> claimed) {
        return UUID.fromString((String) ((Map<String, Object>) claimed.get("job")).get("id"));
    }

    static String tokenOf(Map<String, Object> claimed) {
        return (String) claimed.get("leaseToken");
    }

    static Response report(String worker, UUID id, String action, Map<String, Object> body) {
        return given().header("Authorization", TestTokens.bearer(worker, "worker"))
                .contentType(ContentType.JSON).body(body)
                .when().post("/worker/jobs/" + id + "/" + action);
    }

    /** The batched protocol: {@code complete} and {@code fail} keyed by job id, and an optional next {@code claim}. */
    static Response reports(String worker, Map<String, Object> body) {
        return given().header("Authorization", TestTokens.bearer(worker, "worker"))
                .contentType(ContentType.JSON).body(body)
                .when().post("/worker/jobs/reports");
    }

    static Response heartbeat(UUID id, String token, int progress) {
        return report(WORKER, id, "heartbeat", Map.of("leaseToken", token, "progress", progress));
    }

    static Response complete(UUID id, String token) {
        return report(WORKER, id, "complete", Map.of("leaseToken", token, "resultUrl",
                "https://cdn.example.com/" + id + ".mp4", "providerCost", 0.42, "providerName", "test-model"));
    }

    static Response fail(UUID id, String token, boolean retryable) {
        return report(WORKER, id, "fail", Map.of("leaseToken", token, "error", "model crashed",
                "retryable", retryable));
    }

    /**
     * Claims and completes whatever is runnable, so a test starts from an empty queue. It first waits until no job
     * is waiting for its charge: an earlier test's submissions (the rate-limit test sends 80) may still be in the
     * saga, and each would otherwise turn QUEUED in the middle of the next test, ahead of that test's own jobs.
     */
    static void drainQueue() {
        await().atMost(SAGA_WAIT).until(() -> jobsWaitingForTheirCharge() == 0);
        List<Map<String, Object>> claimed;
        do {
            claimed = claim("drainer", 100, 60, 0);
            claimed.forEach(c -> report("drainer", idOf(c), "complete",
                    Map.of("leaseToken", tokenOf(c), "resultUrl", "https://cdn.example.com/drained")));
        } while (!claimed.isEmpty());
    }

    private static long jobsWaitingForTheirCharge() {
        return given().header("Authorization", TestTokens.bearer("ops", "admin")).when().get("/jobs/admin/queue")
                .then().statusCode(200).extract().jsonPath().getLong("jobsByStatus.PENDING");
    }

    // --- credits-service (the real one, as a separate process) --------------------------------------------

    /** The credits the user owns, held ones included. */
    static long balance(String user) {
        return me(user).getLong("balance");
    }

    /** What the user can spend now: the balance less what running jobs hold. */
    static long available(String user) {
        return me(user).getLong("available");
    }

    private static JsonPath me(String user) {
        return JsonPath.from(given().baseUri(CreditsServiceResource.baseUrl())
                .header("Authorization", TestTokens.bearer(user, "user"))
                .when().get("/credits/me").then().statusCode(200).extract().asString());
    }

    static String randomIp() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "198.51." + r.nextInt(256) + "." + r.nextInt(1, 255);
    }
}
