package io.tally.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.equalTo;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.tally.common.events.EventTypes;
import io.tally.common.events.Topics;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TopicReader;
import io.tally.credits.ledger.HoldExpiry;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Holds: reserve, capture part, void, expire; every step exactly once, under concurrency too, and the books
 * (available + held = balance, entries = cached balances) right after each.
 */
@QuarkusTest
class HoldsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    @Inject
    HoldExpiry expiry;

    @Test
    void aCaptureSpendsPartOfTheHoldAndReleasesTheRest_andIsSettledOnce() {
        String user = CreditsApi.newUser("hold-capture");
        CreditsApi.fund(user, 100);
        UUID hold = UUID.randomUUID();

        JsonPath held = CreditsApi.hold(hold, user, 60, 3600).then().statusCode(201).extract().jsonPath();
        assertThat(held.getLong("availableAfter")).isEqualTo(40);
        assertThat(held.getLong("heldAfter")).isEqualTo(60);
        assertBooks(user, 100, 60, 40);
        CreditsApi.charge(UUID.randomUUID(), user, 41).then().statusCode(402);

        JsonPath captured = CreditsApi.capture(hold, user, 45).then().statusCode(200).extract().jsonPath();
        assertThat(captured.getLong("captured")).isEqualTo(45);
        assertThat(captured.getLong("released")).isEqualTo(15);
        assertThat(captured.getString("status")).isEqualTo("captured");
        assertBooks(user, 55, 0, 55);

        Response replay = CreditsApi.capture(hold, user, 45);
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        Response voided = CreditsApi.voidHold(hold, user);
        assertThat(voided.statusCode()).isEqualTo(409);
        assertThat(voided.jsonPath().getInt("status")).isEqualTo(409);
        assertThat(voided.jsonPath().getString("holdStatus")).isEqualTo("captured");
        assertBooks(user, 55, 0, 55);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM ledger_transactions WHERE reference = $1",
                "job-" + hold)).isEqualTo(2);
        assertThat(TestSql.count(pool, "SELECT captured FROM holds WHERE id = $1 AND status = 'captured'", hold))
                .isEqualTo(45);

        // The user and an operator read the same page of holds.
        UUID open = UUID.randomUUID();
        CreditsApi.hold(open, user, 5, 3600).then().statusCode(201);
        JsonPath mine = io.restassured.RestAssured.given()
                .header("Authorization", io.tally.common.testing.TestTokens.bearer(user, "user"))
                .when().get("/credits/me/holds?limit=1").then().statusCode(200).extract().jsonPath();
        assertThat(mine.getString("holds[0].holdId")).isEqualTo(open.toString());
        assertThat(mine.getString("holds[0].status")).isEqualTo("held");
        JsonPath older = io.restassured.RestAssured.given()
                .header("Authorization", io.tally.common.testing.TestTokens.bearer(user, "user"))
                .when().get("/credits/me/holds?limit=1&cursor=" + mine.getString("nextCursor"))
                .then().statusCode(200).extract().jsonPath();
        assertThat(older.getString("holds[0].holdId")).isEqualTo(hold.toString());
        assertThat(older.getLong("holds[0].captured")).isEqualTo(45);
        assertThat(older.getString("nextCursor")).isNull();
        JsonPath operator = io.restassured.RestAssured.given()
                .header("Authorization", io.tally.common.testing.TestTokens.bearer("ops-admin", "admin"))
                .when().get("/credits/admin/accounts/" + user + "/holds?status=captured")
                .then().statusCode(200).extract().jsonPath();
        assertThat(operator.getList("holds.holdId")).containsExactly(hold.toString());
        io.restassured.RestAssured.given()
                .header("Authorization", io.tally.common.testing.TestTokens.bearer(user, "user"))
                .when().get("/credits/me/holds?status=pending").then().statusCode(400);
        io.restassured.RestAssured.given()
                .header("Authorization", io.tally.common.testing.TestTokens.bearer("ops-admin", "admin"))
                .when().get("/credits/admin/accounts/" + CreditsApi.newUser("never-opened") + "/holds")
                .then().statusCode(404);
        CreditsApi.voidHold(open, user).then().statusCode(200);

        // The statement has one line for the captured hold (what it cost), none for placing or voiding one.
        JsonPath statement = io.restassured.RestAssured.given()
                .header("Authorization", io.tally.common.testing.TestTokens.bearer(user, "user"))
                .when().get("/credits/me/statement?limit=1").then().statusCode(200).extract().jsonPath();
        assertThat(statement.getString("lines[0].kind")).isEqualTo("hold_capture");
        assertThat(statement.getLong("lines[0].amount")).isEqualTo(-45);
        assertThat(statement.getString("lines[0].reference")).isEqualTo("job-" + hold);
        JsonPath rest = io.restassured.RestAssured.given()
                .header("Authorization", io.tally.common.testing.TestTokens.bearer(user, "user"))
                .when().get("/credits/me/statement?limit=200&cursor=" + statement.getString("nextCursor"))
                .then().statusCode(200).extract().jsonPath();
        assertThat(rest.getList("lines.kind", String.class)).isNotEmpty()
                .doesNotContain("hold", "hold_void", "hold_capture");
        assertThat(rest.getString("nextCursor")).isNull();
        // An operator reads the same statement and ledger; an account never opened is 404, and is not opened.
        JsonPath operatorStatement = io.restassured.RestAssured.given()
                .header("Authorization", io.tally.common.testing.TestTokens.bearer("ops-admin", "admin"))
                .when().get("/credits/admin/accounts/" + user + "/statement?limit=1").then().statusCode(200)
                .extract().jsonPath();
        assertThat(operatorStatement.getString("lines[0].transactionId"))
                .isEqualTo(statement.getString("lines[0].transactionId"));
        io.restassured.RestAssured.given()
                .header("Authorization", io.tally.common.testing.TestTokens.bearer("ops-admin", "admin"))
                .when().get("/credits/admin/accounts/" + user + "/ledger?kind=hold_capture").then().statusCode(200)
                .body("entries.reference", hasItem("job-" + hold));
        String stranger = CreditsApi.newUser("never-opened");
        for (String read : List.of("ledger", "statement", "gifts")) {
            io.restassured.RestAssured.given()
                    .header("Authorization", io.tally.common.testing.TestTokens.bearer("ops-admin", "admin"))
                    .when().get("/credits/admin/accounts/" + stranger + "/" + read).then().statusCode(404);
        }
        CreditsApi.account(stranger).then().statusCode(404);
        LedgerChecks.assertHealthy(pool, user);
    }

    /**
     * An operator refunds a completed job that held its price: the captured part comes back once, promotional credits
     * to their promotion (the capture kept the start of the hold's draws), and the ledger names the operator.
     */
    @Test
    void aCapturedHoldIsRefundedOnce_itsPromotionalPartBackToThePromotion() {
        String user = CreditsApi.newUser("hold-refund");
        CreditsApi.fund(user, 100);
        CreditsApi.promote(user, "refund-launch", 30, 7).then().statusCode(201);
        UUID job = UUID.randomUUID();
        CreditsApi.hold(job, user, 60, 3600).then().statusCode(201);          // 30 promotional + 30 purchased
        CreditsApi.capture(job, user, 45).then().statusCode(200);              // 15 purchased released
        JsonPath spent = CreditsApi.me(user).then().statusCode(200).extract().jsonPath();
        assertThat(spent.getLong("available")).isEqualTo(85);
        assertThat(spent.getLong("promotional")).isZero();

        Response tooMuch = service().body(Map.of("jobId", job.toString(), "userId", user, "amount", 46))
                .post("/credits/refunds");
        assertThat(tooMuch.statusCode()).as(tooMuch.asString()).isEqualTo(422);
        assertThat(tooMuch.jsonPath().getLong("charged")).as("the capture is what was charged").isEqualTo(45);

        CreditsApi.publish(EventTypes.JOB_REFUND_REQUESTED,
                new io.tally.common.events.jobs.JobRefundRequested(job, user, "unusable result", "ops-admin"));
        await().atMost(WAIT).until(() -> CreditsApi.available(user) == 130);
        JsonPath refunded = CreditsApi.me(user).then().statusCode(200).extract().jsonPath();
        assertThat(refunded.getLong("promotional")).as("back to its promotion").isEqualTo(30);
        assertThat(refunded.getLong("held")).isZero();
        assertThat(TestSql.text(pool, "SELECT metadata->>'adminId' FROM ledger_transactions WHERE idempotency_key = $1",
                "job:" + job + ":refund")).isEqualTo("ops-admin");

        // The same refund again, over REST or as an event, moves nothing; a hold that was voided spent nothing.
        Response again = CreditsApi.refund(job, user);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.jsonPath().getLong("amount")).isEqualTo(45);
        UUID voided = UUID.randomUUID();
        CreditsApi.hold(voided, user, 10, 3600).then().statusCode(201);
        CreditsApi.voidHold(voided, user).then().statusCode(200);
        Response nothing = CreditsApi.refund(voided, user);
        assertThat(nothing.statusCode()).isEqualTo(422);
        assertThat(nothing.jsonPath().getString("reason")).isEqualTo("no_charge");
        assertThat(CreditsApi.available(user)).isEqualTo(130);
        LedgerChecks.assertHealthy(pool, user);
    }

    /** A caller's labels on a charge or a hold are part of the request, returned, and carried by the settlement. */
    @Test
    void callerMetadataIsReturned_partOfTheRequest_andCarriedToTheSettlement() {
        String user = CreditsApi.newUser("labels");
        CreditsApi.fund(user, 100);
        UUID job = UUID.randomUUID();
        Map<String, Object> charge = Map.of("jobId", job.toString(), "userId", user, "amount", 10,
                "metadata", Map.of("order", "A-1", "project", "trailer"));
        service().body(charge).post("/credits/charges").then().statusCode(201)
                .body("metadata.order", equalTo("A-1")).body("metadata.project", equalTo("trailer"));
        service().body(charge).post("/credits/charges").then().statusCode(201).header("Idempotent-Replayed", "true");
        service().body(Map.of("jobId", job.toString(), "userId", user, "amount", 10, "metadata", Map.of("order", "B-2")))
                .post("/credits/charges").then().statusCode(409);
        service().body(Map.of("jobId", UUID.randomUUID().toString(), "userId", user, "amount", 10,
                        "metadata", Map.of("order", "x".repeat(501))))
                .post("/credits/charges").then().statusCode(400).body("errors.field", hasItem("metadata.order"));

        UUID hold = UUID.randomUUID();
        service().body(Map.of("holdId", hold.toString(), "userId", user, "amount", 20, "metadata", Map.of("order", "C-3")))
                .post("/credits/holds").then().statusCode(201).body("metadata.order", equalTo("C-3"));
        CreditsApi.capture(hold, user, 5).then().statusCode(200).body("metadata.order", equalTo("C-3"));
        assertBooks(user, 85, 0, 85);
    }

    private static io.restassured.specification.RequestSpecification service() {
        return io.restassured.RestAssured.given()
                .header("Authorization", io.tally.common.testing.TestTokens.bearer("jobs-backend", "service"))
                .contentType("application/json").when();
    }

    @Test
    void aVoidReleasesEverything_andWhatCannotBeHeldIsRefusedWithNothingMoved() {
        String user = CreditsApi.newUser("hold-void");
        CreditsApi.fund(user, 50);
        UUID hold = UUID.randomUUID();

        Response tooMuch = CreditsApi.hold(UUID.randomUUID(), user, 51, 3600);
        assertThat(tooMuch.statusCode()).isEqualTo(402);
        assertThat(tooMuch.jsonPath().getLong("available")).isEqualTo(50);
        CreditsApi.hold(hold, user, 50, 3600).then().statusCode(201);
        CreditsApi.hold(UUID.randomUUID(), user, 1, 3600).then().statusCode(402);
        CreditsApi.capture(hold, user, 51).then().statusCode(422);
        CreditsApi.capture(hold, CreditsApi.newUser("someone-else"), 10).then().statusCode(422);
        CreditsApi.capture(UUID.randomUUID(), user, 10).then().statusCode(404);
        assertBooks(user, 50, 50, 0);

        JsonPath voided = CreditsApi.voidHold(hold, user).then().statusCode(200).extract().jsonPath();
        assertThat(voided.getLong("released")).isEqualTo(50);
        assertThat(voided.getString("reason")).isEqualTo("render failed");
        CreditsApi.capture(hold, user, 10).then().statusCode(409);
        assertBooks(user, 50, 0, 50);
        // The statement says why the credits came back.
        JsonPath statement = io.restassured.RestAssured.given()
                .header("Authorization", io.tally.common.testing.TestTokens.bearer(user, "user"))
                .when().get("/credits/me/ledger?kind=hold_void").then().statusCode(200).extract().jsonPath();
        assertThat(statement.getList("entries.reason")).isNotEmpty().containsOnly("render failed");
        LedgerChecks.assertHealthy(pool, user);
    }

    @Test
    void concurrentHoldsNeverOverdraw_andACaptureRacingAVoidSettlesEachHoldOnce() {
        String user = CreditsApi.newUser("hold-race");
        CreditsApi.fund(user, 1000);
        ExecutorService callers = Executors.newFixedThreadPool(40);
        try {
            List<UUID> ids = IntStream.range(0, 100).mapToObj(i -> UUID.randomUUID()).toList();
            List<Response> holds = all(callers, ids.stream()
                    .<java.util.function.Supplier<Response>>map(id -> () -> CreditsApi.hold(id, user, 15, 3600))
                    .toList());
            List<UUID> placed = IntStream.range(0, ids.size()).filter(i -> holds.get(i).statusCode() == 201)
                    .mapToObj(ids::get).toList();
            assertThat(placed).hasSize(66);
            assertThat(holds).filteredOn(r -> r.statusCode() != 201).allSatisfy(r -> assertThat(r.statusCode())
                    .isEqualTo(402));
            assertBooks(user, 1000, 66 * 15, 10);

            // Each hold gets a capture of 10 and a void at the same time: exactly one of them wins.
            List<java.util.function.Supplier<Response>> settlements = new java.util.ArrayList<>();
            for (UUID id : placed) {
                settlements.add(() -> CreditsApi.capture(id, user, 10));
                settlements.add(() -> CreditsApi.voidHold(id, user));
            }
            List<Response> answers = all(callers, settlements);
            long captures = IntStream.range(0, answers.size()).filter(i -> i % 2 == 0)
                    .filter(i -> answers.get(i).statusCode() == 200).count();
            long voids = IntStream.range(0, answers.size()).filter(i -> i % 2 == 1)
                    .filter(i -> answers.get(i).statusCode() == 200).count();
            assertThat(captures + voids).isEqualTo(66);
            assertThat(answers).filteredOn(r -> r.statusCode() != 200)
                    .hasSize(66).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(409));
            assertBooks(user, 1000 - 10 * captures, 0, 1000 - 10 * captures);
            assertThat(TestSql.count(pool, "SELECT count(*) FROM holds WHERE user_id = $1 AND status = 'held'", user))
                    .isZero();
        } finally {
            callers.shutdown();
        }
        LedgerChecks.assertHealthy(pool, user);
    }

    @Test
    void aHoldPastItsExpiryIsReleasedByTheExpiryPass_andAnnounced() {
        String user = CreditsApi.newUser("hold-expiry");
        CreditsApi.fund(user, 30);
        UUID hold = UUID.randomUUID();
        try (TopicReader events = new TopicReader(Topics.CREDITS)) {
            CreditsApi.hold(hold, user, 30, 1).then().statusCode(201);
            assertBooks(user, 30, 30, 0);

            await().atMost(WAIT).until(() -> {
                expiry.runOnce().await().atMost(WAIT);
                return TestSql.count(pool, "SELECT count(*) FROM holds WHERE id = $1 AND status = 'expired'", hold) == 1;
            });
            assertBooks(user, 30, 0, 30);
            CreditsApi.capture(hold, user, 30).then().statusCode(409);
            await().atMost(WAIT).until(() -> events.withKey(user).stream().anyMatch(record ->
                    EventTypes.HOLD_EXPIRED.name().equals(new String(
                            record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))));
        }
        LedgerChecks.assertHealthy(pool, user);
    }

    /** What the user sees, what the account caches and what its entries sum to agree. */
    private void assertBooks(String user, long balance, long held, long available) {
        JsonPath me = CreditsApi.me(user).then().statusCode(200).extract().jsonPath();
        assertThat(me.getLong("balance")).as("balance").isEqualTo(balance);
        assertThat(me.getLong("held")).as("held").isEqualTo(held);
        assertThat(me.getLong("available")).as("available").isEqualTo(available);
        assertThat(TestSql.count(pool, "SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE user_id = $1 AND book = 'held'",
                user)).isEqualTo(held);
        assertThat(TestSql.count(pool, "SELECT coalesce(sum(amount), 0) FROM holds WHERE user_id = $1 AND status = 'held'",
                user)).isEqualTo(held);
    }

    private static List<Response> all(ExecutorService callers, List<java.util.function.Supplier<Response>> calls) {
        List<CompletableFuture<Response>> running = calls.stream()
                .map(call -> CompletableFuture.supplyAsync(call, callers)).toList();
        return running.stream().map(CompletableFuture::join).toList();
    }
}
