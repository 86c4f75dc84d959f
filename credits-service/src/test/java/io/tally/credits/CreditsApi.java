package io.tally.credits;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import io.tally.common.events.CloudEventHeaders;
import io.tally.common.events.EventType;
import io.tally.common.events.TallyEvent;
import io.tally.common.testing.TestKafka;
import io.tally.common.testing.TestTokens;
import java.util.Map;
import java.util.UUID;

/** The credits API as the tests call it: a user, a service backend, an admin, and a Kafka producer. */
final class CreditsApi {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private CreditsApi() {
    }

    static String newUser(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    static Response me(String user) {
        return given().header("Authorization", TestTokens.bearer(user, "user")).when().get("/credits/me");
    }

    static Response charge(UUID jobId, String user, long amount) {
        return given().header("Authorization", TestTokens.bearer("jobs-backend", "service"))
                .contentType("application/json")
                .body(Map.of("jobId", jobId.toString(), "userId", user, "amount", amount))
                .when().post("/credits/charges");
    }

    static Response hold(UUID holdId, String user, long amount, int expiresInSeconds) {
        return given().header("Authorization", TestTokens.bearer("jobs-backend", "service"))
                .contentType("application/json")
                .body(Map.of("holdId", holdId.toString(), "userId", user, "amount", amount,
                        "reference", "job-" + holdId, "expiresInSeconds", expiresInSeconds))
                .when().post("/credits/holds");
    }

    static Response capture(UUID holdId, String user, long amount) {
        return given().header("Authorization", TestTokens.bearer("jobs-backend", "service"))
                .contentType("application/json")
                .body(Map.of("userId", user, "amount", amount))
                .when().post("/credits/holds/" + holdId + "/capture");
    }

    static Response voidHold(UUID holdId, String user) {
        return given().header("Authorization", TestTokens.bearer("jobs-backend", "service"))
                .contentType("application/json")
                .body(Map.of("userId", user, "reason", "render failed"))
                .when().post("/credits/holds/" + holdId + "/void");
    }

    static Response refund(UUID jobId, String user) {
        return given().header("Authorization", TestTokens.bearer("jobs-backend", "service"))
                .contentType("application/json")
                .body(Map.of("jobId", jobId.toString(), "userId", user))
                .when().post("/credits/refunds");
    }

    static Response adjust(String user, long amount) {
        return given().header("Authorization", TestTokens.bearer("ops-admin", "admin"))
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType("application/json")
                .body(Map.of("userId", user, "amount", amount, "reason", "test funding"))
                .when().post("/credits/adjustments");
    }

    /** A backend grants promotional credits of {@code campaign}, expiring in {@code days}. */
    static Response promote(String user, String campaign, long amount, int days) {
        return given().header("Authorization", TestTokens.bearer("growth-backend", "service"))
                .contentType("application/json")
                .body(Map.of("userId", user, "campaign", campaign, "amount", amount, "expiresInDays", days))
                .when().post("/credits/promotions");
    }

    static Response gift(String sender, String key, String recipient, String type, int quantity) {
        return given().header("Authorization", TestTokens.bearer(sender, "user"))
                .header("Idempotency-Key", key)
                .contentType("application/json")
                .body(Map.of("recipientId", recipient, "giftType", type, "quantity", quantity))
                .when().post("/credits/gifts");
    }

    static Response account(String user) {
        return given().header("Authorization", TestTokens.bearer("ops-admin", "admin"))
                .when().get("/credits/admin/accounts/" + user);
    }

    static long balance(String user) {
        return account(user).then().statusCode(200).extract().jsonPath().getLong("balance");
    }

    /** What the user can spend or hold now (the balance less what is held). */
    static long available(String user) {
        return account(user).then().statusCode(200).extract().jsonPath().getLong("available");
    }

    static long debt(String user) {
        return account(user).then().statusCode(200).extract().jsonPath().getLong("debt");
    }

    /**
     * Opens the account and leaves it exactly {@code target} purchased credits and no promotional ones: the signup bonus
     * is spent by a charge (promotional credits are spent first), then an adjustment sets the purchased balance.
     */
    static void fund(String user, long target) {
        io.restassured.path.json.JsonPath account = me(user).then().statusCode(200).extract().jsonPath();
        long promotional = account.getLong("promotional");
        if (promotional > 0) {
            charge(UUID.randomUUID(), user, promotional).then().statusCode(201);
        }
        long purchased = account.getLong("purchased");
        if (target != purchased) {
            adjust(user, target - purchased).then().statusCode(201);
        }
    }

    /** Publishes an event as its producing service would (CloudEvents binary mode, key = user). */
    static String publish(EventType<?> type, TallyEvent data) {
        return publish(type, data, UUID.randomUUID().toString(), null);
    }

    static String publish(EventType<?> type, TallyEvent data, String eventId, Integer partition) {
        try {
            Map<String, String> headers = TestKafka.cloudEventHeaders(eventId, type.name());
            headers.put(CloudEventHeaders.SUBJECT, data.key());
            TestKafka.send(type.topic(), partition, data.key(), JSON.writeValueAsString(data), headers);
            return eventId;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
