package io.tally.payments;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.tally.common.testing.CreditsServiceResource;
import io.tally.common.testing.TestTokens;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The payments API as the tests call it (a buyer, an operator), plus balances from the real credits-service. */
final class PaymentsApi {

    static final Duration WAIT = Duration.ofSeconds(20);

    private PaymentsApi() {
    }

    static String newUser(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    static Response checkout(String user, String packageCode, String provider) {
        return checkout(user, packageCode, provider, UUID.randomUUID().toString());
    }

    static Response checkout(String user, String packageCode, String provider, String key) {
        Map<String, Object> body = new HashMap<>();
        body.put("packageCode", packageCode);
        body.put("provider", provider);
        return given().header("Authorization", TestTokens.bearer(user, "user")).header("Idempotency-Key", key)
                .contentType(ContentType.JSON).body(body).when().post("/payments/checkout");
    }

    /** A pending payment: its id and the reference the client hands to the provider. */
    record Pending(UUID id, String reference, long credits, long amountMinor, String currency) {
    }

    static Pending pending(String user, String packageCode, String provider) {
        JsonPath json = checkout(user, packageCode, provider).then().statusCode(201).extract().jsonPath();
        return new Pending(UUID.fromString(json.getString("id")), json.getString("reference"), json.getLong("credits"),
                json.getLong("amountMinor"), json.getString("currency"));
    }

    static Response payment(String user, UUID id) {
        return given().header("Authorization", TestTokens.bearer(user, "user")).when().get("/payments/" + id);
    }

    static String status(String user, UUID id) {
        return payment(user, id).then().statusCode(200).extract().jsonPath().getString("status");
    }

    static void awaitCredited(String user, UUID id) {
        await().atMost(WAIT).until(() -> payment(user, id).then().extract().jsonPath().getBoolean("credited"));
    }

    static Response admin(String path) {
        return given().header("Authorization", TestTokens.bearer("ops", "admin")).when().get(path);
    }

    // --- credits-service ------------------------------------------------------------------------------------

    static JsonPath account(String user) {
        return JsonPath.from(given().baseUri(CreditsServiceResource.baseUrl())
                .header("Authorization", TestTokens.bearer(user, "user"))
                .when().get("/credits/me").then().statusCode(200).extract().asString());
    }

    static long balance(String user) {
        return account(user).getLong("balance");
    }

    static long debt(String user) {
        return account(user).getLong("debt");
    }

    /** Spends credits through credits-service's service API (as jobs-service would). */
    static void spend(String user, long amount) {
        given().baseUri(CreditsServiceResource.baseUrl())
                .header("Authorization", TestTokens.bearer("jobs-service", "service"))
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType(ContentType.JSON)
                .body(Map.of("jobId", UUID.randomUUID().toString(), "userId", user, "amount", amount))
                .when().post("/credits/charges").then().statusCode(201);
    }
}
