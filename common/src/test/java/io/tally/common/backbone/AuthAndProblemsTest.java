package io.tally.common.backbone;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.TestTokens;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuthAndProblemsTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void requestWithoutTokenIs401() {
        given().when().get("/test/secure/user")
                .then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", "Bearer")
                .body("type", equalTo("https://tally.dev/problems/unauthorized"));
    }

    @jakarta.inject.Inject
    io.smallrye.jwt.auth.principal.JWTParser parser;

    @Test
    void bearerTokensAreVerifiedThroughTheCache() {
        org.assertj.core.api.Assertions.assertThat(parser)
                .isInstanceOf(io.tally.common.security.VerifiedTokenCache.class);
    }

    @Test
    void expiredTokenIs401() {
        given().header("Authorization", "Bearer " + TestTokens.expired("alice", "user"))
                .when().get("/test/secure/user")
                .then().statusCode(401).contentType(PROBLEM);
    }

    @Test
    void wronglySignedTokenIs401() {
        given().header("Authorization", "Bearer " + TestTokens.forged("alice", "user"))
                .when().get("/test/secure/user")
                .then().statusCode(401).contentType(PROBLEM);
    }

    @Test
    void tokenOfAnotherIssuerIs401() {
        given().header("Authorization", "Bearer " + TestTokens.otherIssuer("alice", "user"))
                .when().get("/test/secure/user")
                .then().statusCode(401).contentType(PROBLEM);
    }

    @Test
    void garbageTokenIs401() {
        given().header("Authorization", "Bearer not.a.jwt")
                .when().get("/test/secure/user")
                .then().statusCode(401).contentType(PROBLEM);
    }

    @Test
    void wrongRoleIs403() {
        given().header("Authorization", TestTokens.bearer("alice", "user"))
                .when().get("/test/secure/admin")
                .then().statusCode(403).contentType(PROBLEM)
                .body("type", equalTo("https://tally.dev/problems/forbidden"));
    }

    @Test
    void validTokenIdentifiesTheUserBySub() {
        given().header("Authorization", TestTokens.bearer("alice", "user"))
                .when().get("/test/secure/user")
                .then().statusCode(200).body("userId", equalTo("alice"));
    }

    @Test
    void malformedJsonIs400Problem() {
        given().contentType("application/json").body("{\"userId\": ")
                .when().post("/test/notes")
                .then().statusCode(400).contentType(PROBLEM)
                .body("type", equalTo("https://tally.dev/problems/malformed-body"));
    }

    @Test
    void wrongTypeNamesTheField() {
        given().contentType("application/json").body("{\"userId\":\"u\",\"amount\":\"many\"}")
                .when().post("/test/notes")
                .then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItem("amount"));
    }

    @Test
    void validationErrorsListTheFields() {
        given().contentType("application/json").body("{\"userId\":\"\"}")
                .when().post("/test/notes")
                .then().statusCode(400).contentType(PROBLEM)
                .body("type", equalTo("https://tally.dev/problems/validation"))
                .body("errors.field", hasItem("userId"))
                .body("errors.field", hasItem("amount"));
    }

    /** A NUL would reach PostgreSQL (which refuses it in text) as a 500; it is refused as input instead. */
    @Test
    void aNulInJsonTextIs400NamingTheField() {
        given().contentType("application/json").body("{\"userId\":\"nul\\u0000here\",\"amount\":1}")
                .when().post("/test/notes")
                .then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItem("userId"))
                .body("errors.message", hasItem("Text may not contain NUL characters"));
    }

    /** A lone surrogate is text PostgreSQL cannot store either; a surrogate pair (an emoji) is fine. */
    @Test
    void anUnpairedSurrogateInJsonTextIs400NamingTheField() {
        given().contentType("application/json").body("{\"userId\":\"half\\ud800\",\"amount\":1}")
                .when().post("/test/notes")
                .then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", hasItem("userId"))
                .body("errors.message", hasItem("Text may not contain an unpaired UTF-16 surrogate"));
        given().contentType("application/json").body("{\"userId\":\"\\udc00first\",\"amount\":1}")
                .when().post("/test/notes").then().statusCode(400);
        given().contentType("application/json").body("{\"userId\":\"rose \\ud83c\\udf39\",\"amount\":1}")
                .when().post("/test/notes").then().statusCode(200);
    }

    /** Jackson would read 1.5 as 1 and "2" as 2; an amount is exactly what was sent or nothing. */
    @Test
    void aFractionOrAStringForAWholeNumberIs400() {
        for (String amount : new String[] {"1.5", "2.0", "\"2\"", "true"}) {
            given().contentType("application/json").body("{\"userId\":\"strict\",\"amount\":" + amount + "}")
                    .when().post("/test/notes")
                    .then().statusCode(400).contentType(PROBLEM)
                    .body("errors.field", hasItem("amount"));
        }
    }

    @Test
    void controlCharactersInThePathOrQueryAre400Problems() {
        given().urlEncodingEnabled(false).when().get("/test/secure/user%00")
                .then().statusCode(400).contentType(PROBLEM).body("status", equalTo(400));
        given().urlEncodingEnabled(false).when().get("/test/limited?user=a%0Ab")
                .then().statusCode(400).contentType(PROBLEM).body("status", equalTo(400));
    }

    /** Quarkus refuses a declared oversized body before routing; the refusal is problem+json all the same. */
    @Test
    void aDeclaredBodyOverTheLimitIs413Problem() {
        given().contentType("application/json").body("{\"userId\":\"" + "x".repeat(1_100_000) + "\",\"amount\":1}")
                .when().post("/test/notes")
                .then().statusCode(413).contentType(PROBLEM)
                .body("type", equalTo("https://tally.dev/problems/payload-too-large"));
    }

    @Test
    void unknownRouteIs404Problem() {
        given().when().get("/test/nothing-here")
                .then().statusCode(404).contentType(PROBLEM)
                .body("status", equalTo(404));
    }

    @Test
    void wrongMediaTypeIs415Problem() {
        given().contentType("text/plain").body("hello")
                .when().post("/test/notes")
                .then().statusCode(415).contentType(PROBLEM);
    }

    @Test
    void everyAnswerCarriesTheRequestIdTheGatewayGaveOrANewOne() {
        given().header("X-Request-Id", "3f2a9c0e5b7d4e21a8c6f0b1d2e3a4b5")
                .when().get("/q/health/live")
                .then().header("X-Request-Id", "3f2a9c0e5b7d4e21a8c6f0b1d2e3a4b5");
        String made = given().when().get("/q/health/live").then().extract().header("X-Request-Id");
        assertThat(made).matches("[0-9a-f]{32}");
        // Something that could forge a log line is not copied anywhere.
        String replaced = given().header("X-Request-Id", "x\" injected=\"1").when().get("/q/health/live")
                .then().extract().header("X-Request-Id");
        assertThat(replaced).matches("[0-9a-f]{32}");
    }

    @Test
    void anUnexpectedErrorNamesItsRequestId() {
        given().header("X-Request-Id", "req-boom-1")
                .when().get("/test/boom")
                .then().statusCode(500).header("X-Request-Id", "req-boom-1")
                .body("requestId", equalTo("req-boom-1"));
    }

    /** Infrastructure, not the request: 503 with Retry-After (the client tries again), never a 500. */
    @Test
    void aStatementTheDatabaseCancelsIs503WithRetryAfter() {
        given().when().get("/test/cancelled-statement")
                .then().statusCode(503).contentType(PROBLEM)
                .header("Retry-After", "2")
                .body("type", equalTo("https://tally.dev/problems/database-unavailable"))
                .body("errorId", notNullValue())
                .body(not(containsString("57014")));
    }

    @Test
    void aWriteRefusedByAFullQueueIs503WithRetryAfter() {
        given().when().get("/test/overloaded")
                .then().statusCode(503).contentType(PROBLEM)
                .header("Retry-After", "1")
                .body("type", equalTo("https://tally.dev/problems/overloaded"));
    }

    @Test
    void unexpectedErrorsLeakNothing() {
        given().when().get("/test/boom")
                .then().statusCode(500).contentType(PROBLEM)
                .body("errorId", notNullValue())
                .body(not(containsString("secret internal detail")))
                .body(not(containsString("io.tally")));
    }

    @Test
    void readinessCoversTheDatabaseAndWellnessTheBroker() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Reactive PostgreSQL connections health check"))
                .body("checks.name", not(hasItem(containsString("Kafka"))));
        given().when().get("/q/health/well")
                .then().statusCode(200)
                .body("checks.name", hasItem("Kafka broker"));
    }
}
