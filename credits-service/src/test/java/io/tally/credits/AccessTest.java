package io.tally.credits;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.TestTokens;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** I7 for credits: users see only their own money, and only services and admins move it for others. */
@QuarkusTest
class AccessTest {

    @Test
    void aUserSeesOnlyTheirOwnLedgerEvenAfterATransferBetweenThem() {
        String alice = CreditsApi.newUser("alice");
        String bob = CreditsApi.newUser("bob");
        CreditsApi.fund(alice, 200);
        CreditsApi.gift(alice, UUID.randomUUID().toString(), bob, "crown", 1).then().statusCode(201);

        List<Map<String, Object>> bobsLines = given().header("Authorization", TestTokens.bearer(bob, "user"))
                .when().get("/credits/me/ledger").then().statusCode(200).extract().path("entries");
        // His signup bonus (promotional) and the gift's earnings; nothing of alice's spending.
        assertThat(bobsLines).extracting(line -> line.get("book")).containsOnly("promotional", "earnings");
        assertThat(bobsLines).noneMatch(line -> ((Number) line.get("amount")).longValue() < 0);
        CreditsApi.me(bob).then().body("balance", org.hamcrest.Matchers.equalTo(100));
    }

    @Test
    void anotherUsersAccountIsNotFoundEvenForAnAdminIfItNeverOpened() {
        CreditsApi.account("nobody-" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void usersCannotCallServiceOrAdminEndpoints() {
        String user = TestTokens.bearer(CreditsApi.newUser("mallory"), "user");
        given().header("Authorization", user).contentType("application/json")
                .body(Map.of("jobId", UUID.randomUUID().toString(), "userId", "victim", "amount", 1))
                .when().post("/credits/charges").then().statusCode(403);
        given().header("Authorization", user).contentType("application/json")
                .body(Map.of("jobId", UUID.randomUUID().toString(), "userId", "victim"))
                .when().post("/credits/refunds").then().statusCode(403);
        given().header("Authorization", user).header("Idempotency-Key", "k1").contentType("application/json")
                .body(Map.of("userId", "me", "amount", 1000, "reason", "free money"))
                .when().post("/credits/adjustments").then().statusCode(403);
        given().header("Authorization", user).when().get("/credits/admin/accounts/victim").then().statusCode(403);
        given().header("Authorization", user).when().get("/credits/admin/reconciliation").then().statusCode(403);
    }

    /** The operator console's read-only staff: every admin read, no admin write. */
    @Test
    void supportStaffReadAnAccountButCannotMoveItsMoney() {
        String customer = CreditsApi.newUser("ticket");
        CreditsApi.fund(customer, 40);
        String support = TestTokens.bearer("agent-" + UUID.randomUUID(), "support");
        given().header("Authorization", support).when().get("/credits/admin/accounts/" + customer)
                .then().statusCode(200).body("userId", org.hamcrest.Matchers.equalTo(customer));
        given().header("Authorization", support).when().get("/credits/admin/accounts/" + customer + "/ledger")
                .then().statusCode(200);
        given().header("Authorization", support).when().get("/credits/admin/reconciliation").then().statusCode(200);
        long before = CreditsApi.me(customer).then().extract().jsonPath().getLong("available");

        given().header("Authorization", support).header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType("application/json").body(Map.of("userId", customer, "amount", 1000, "reason", "goodwill"))
                .when().post("/credits/adjustments").then().statusCode(403);
        given().header("Authorization", support).header("Idempotency-Key", UUID.randomUUID().toString())
                .contentType("application/json").body(Map.of("amount", 1, "reason", "goodwill"))
                .when().post("/credits/admin/accounts/" + customer + "/forgive-debt").then().statusCode(403);
        given().header("Authorization", support).contentType("application/json").body(Map.of("reason", "looks off"))
                .when().post("/credits/admin/accounts/" + customer + "/repair").then().statusCode(403);
        assertThat(CreditsApi.me(customer).then().extract().jsonPath().getLong("available")).isEqualTo(before);
    }

    @Test
    void aServiceOrWorkerTokenIsNotAUser() {
        given().header("Authorization", TestTokens.bearer("jobs-backend", "service")).when().get("/credits/me")
                .then().statusCode(403);
        given().header("Authorization", TestTokens.bearer("gpu-1", "worker")).when().get("/credits/me")
                .then().statusCode(403);
    }
}
