package io.tally.credits;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.tally.common.events.EventTypes;
import io.tally.common.events.Topics;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TestTokens;
import io.tally.common.testing.TopicReader;
import io.tally.credits.ledger.PromotionExpiry;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Promotional credits: granted once per campaign, spent first and soonest-expiring first, never gifted, given back to
 * the promotion they came from, and taken back once at their expiry, also while the user spends concurrently.
 */
@QuarkusTest
class PromotionsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    @Inject
    PromotionExpiry expiry;

    @Test
    void promotionalCreditsAreSpentFirst_soonestExpiringFirst_andComeBackWithARefund() {
        String user = CreditsApi.newUser("promo-spend");
        JsonPath opened = CreditsApi.me(user).then().statusCode(200).extract().jsonPath();
        assertThat(opened.getLong("promotional")).as("the signup bonus is promotional").isEqualTo(100);
        assertThat(opened.getLong("purchased")).isZero();
        assertThat(opened.getLong("nextExpiry.credits")).isEqualTo(100);

        JsonPath granted = CreditsApi.promote(user, "launch", 50, 1).then().statusCode(201).extract().jsonPath();
        assertThat(granted.getLong("promotionalAfter")).isEqualTo(150);
        CreditsApi.adjust(user, 200).then().statusCode(201);
        JsonPath me = CreditsApi.me(user).then().statusCode(200).extract().jsonPath();
        assertThat(me.getLong("purchased")).isEqualTo(200);
        assertThat(me.getLong("promotional")).isEqualTo(150);
        assertThat(me.getLong("available")).isEqualTo(350);
        assertThat(me.getLong("nextExpiry.credits")).as("launch expires before the signup bonus").isEqualTo(50);
        assertThat(OffsetDateTime.parse(me.getString("nextExpiry.at")))
                .isBefore(OffsetDateTime.now().plusDays(1).plusMinutes(1));

        UUID job = UUID.randomUUID();
        JsonPath charged = CreditsApi.charge(job, user, 70).then().statusCode(201).extract().jsonPath();
        assertThat(charged.getLong("balanceAfter")).isEqualTo(280);
        assertThat(charged.getList("draws.amount", Long.class)).as("launch first, then signup").containsExactly(50L, 20L);
        assertBalances(user, 200, 80);

        // Gifts are paid from purchased credits only.
        CreditsApi.gift(user, UUID.randomUUID().toString(), CreditsApi.newUser("streamer"), "crown", 2)
                .then().statusCode(201);
        Response tooMuch = CreditsApi.gift(user, UUID.randomUUID().toString(), CreditsApi.newUser("streamer"),
                "heart", 1);
        assertThat(tooMuch.statusCode()).isEqualTo(402);
        assertThat(tooMuch.jsonPath().getLong("available")).isZero();
        assertThat(tooMuch.jsonPath().getLong("promotional")).isEqualTo(80);
        assertThat(tooMuch.jsonPath().getString("detail")).contains("purchased credits only");
        assertBalances(user, 0, 80);

        // The refund gives the credits back to the promotions they came from, the latest-expiring first.
        CreditsApi.refund(job, user).then().statusCode(201);
        assertBalances(user, 0, 150);
        assertThat(TestSql.count(pool, "SELECT remaining FROM promotions WHERE user_id = $1 AND campaign = 'launch'",
                user)).isEqualTo(50);
        JsonPath statement = given().header("Authorization", TestTokens.bearer(user, "user"))
                .when().get("/credits/me/statement").then().statusCode(200).extract().jsonPath();
        assertThat(statement.getList("lines.kind")).containsExactly("refund", "gift", "charge", "adjustment",
                "promotion", "signup_bonus");
        assertThat(statement.getList("lines.amount", Long.class)).containsExactly(70L, -200L, -70L, 200L, 50L, 100L);
        LedgerChecks.assertHealthy(pool, user);
    }

    /**
     * Every draw on promotional credits updates its lot's remaining. An index that names remaining, in its key or its
     * predicate, would make every such update a non-HOT one: a new version on another page and an entry in each index.
     */
    @Test
    void drawingOnALotChangesNoIndexedValue_soItsUpdatesStayOnThePage() {
        assertThat(TestSql.text(pool, "SELECT string_agg(pg_get_indexdef(indexrelid), '; ') FROM pg_index "
                + "WHERE indrelid = 'promotions'::regclass")).doesNotContainPattern("\\bremaining\\b");

        String user = CreditsApi.newUser("promo-hot");
        CreditsApi.promote(user, "hot", 1_000, 7).then().statusCode(201);
        long hotBefore = hotUpdatesOfPromotions();
        for (int i = 0; i < 20; i++) {
            CreditsApi.charge(UUID.randomUUID(), user, 1).then().statusCode(201);
        }
        assertThat(TestSql.count(pool, "SELECT remaining FROM promotions WHERE user_id = $1 AND campaign = 'hot'",
                user)).isEqualTo(980);
        // Statistics reach pg_stat_user_tables when the service's backends flush them (within seconds of going idle).
        await().atMost(WAIT).untilAsserted(() -> assertThat(hotUpdatesOfPromotions() - hotBefore)
                .as("HOT updates of promotions among the 20 draws").isGreaterThanOrEqualTo(15));
    }

    private long hotUpdatesOfPromotions() {
        return TestSql.count(pool, "SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE relid = 'promotions'::regclass");
    }

    @Test
    void aCampaignIsGrantedOncePerUser_andBadGrantsChangeNothing() {
        String user = CreditsApi.newUser("promo-once");
        JsonPath first = CreditsApi.promote(user, "referral", 25, 7).then().statusCode(201).extract().jsonPath();
        Response again = CreditsApi.promote(user, "referral", 25, 7);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.jsonPath().getString("promotionId")).isEqualTo(first.getString("promotionId"));
        CreditsApi.promote(user, "referral", 30, 7).then().statusCode(409);
        CreditsApi.promote(user, "signup", 30, 7).then().statusCode(422);
        grant(Map.of("userId", user, "campaign", "both", "amount", 5, "expiresInDays", 1,
                "expiresAt", OffsetDateTime.now().plusDays(1).toString())).then().statusCode(400);
        grant(Map.of("userId", user, "campaign", "neither", "amount", 5)).then().statusCode(400);
        grant(Map.of("userId", user, "campaign", "past", "amount", 5,
                "expiresAt", OffsetDateTime.now().minusMinutes(1).toString())).then().statusCode(422);
        grant(Map.of("userId", user, "campaign", "Not A Code", "amount", 5, "expiresInDays", 1)).then().statusCode(400);
        given().header("Authorization", TestTokens.bearer(user, "user")).contentType("application/json")
                .body(Map.of("userId", user, "campaign", "self", "amount", 5, "expiresInDays", 1))
                .when().post("/credits/promotions").then().statusCode(403);
        given().header("Authorization", TestTokens.bearer("ops-admin", "admin")).contentType("application/json")
                .body(Map.of("userId", user, "campaign", "goodwill", "amount", 5, "expiresInDays", 1))
                .when().post("/credits/promotions").then().statusCode(201);
        assertBalances(user, 0, 100 + 25 + 5);
        LedgerChecks.assertHealthy(pool, user);
    }

    @Test
    void anExpiredPromotionIsTakenBackOnce_andCreditsReleasedAfterItsExpiryDoNotComeBack() {
        String user = CreditsApi.newUser("promo-expiry");
        CreditsApi.me(user).then().statusCode(200);
        UUID flash = UUID.fromString(CreditsApi.promote(user, "flash", 40, 1).then().statusCode(201)
                .extract().jsonPath().getString("promotionId"));
        UUID hold = UUID.randomUUID();
        assertThat(CreditsApi.hold(hold, user, 30, 3600).then().statusCode(201).extract().jsonPath()
                .getList("draws.promotionId")).containsExactly(flash.toString());
        expireNow(flash);

        // From the moment it expires, what is left of it (10) cannot be spent, before the pass has run too.
        JsonPath refused = CreditsApi.charge(UUID.randomUUID(), user, 101).then().statusCode(402).extract().jsonPath();
        assertThat(refused.getLong("available")).isEqualTo(100);

        try (TopicReader events = new TopicReader(Topics.CREDITS)) {
            List<Integer> runs = List.of(expiry.runOnce(), expiry.runOnce()).stream()
                    .map(run -> run.subscribeAsCompletionStage()).toList().stream()
                    .map(CompletableFuture::join).toList();
            assertThat(TestSql.count(pool, "SELECT count(*) FROM ledger_transactions WHERE idempotency_key = $1",
                    "promotion:" + flash + ":expiry")).isEqualTo(1);
            assertThat(runs.stream().mapToInt(Integer::intValue).sum()).as("applied by one of the two passes").isEqualTo(1);
            assertThat(TestSql.count(pool, "SELECT expired FROM promotions WHERE id = $1", flash)).isEqualTo(10);
            await().atMost(WAIT).until(() -> events.withKey(user).stream().anyMatch(record ->
                    EventTypes.PROMOTION_EXPIRED.name().equals(new String(
                            record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))));
        }
        assertBalances(user, 0, 100);

        // The hold's credits came from the expired promotion: voided now, they go back to the platform.
        JsonPath voided = CreditsApi.voidHold(hold, user).then().statusCode(200).extract().jsonPath();
        assertThat(voided.getLong("availableAfter")).isEqualTo(100);
        assertBalances(user, 0, 100);
        assertThat(TestSql.count(pool, "SELECT remaining FROM promotions WHERE id = $1", flash)).isZero();
        assertThat(expiry.runOnce().await().atMost(WAIT)).isZero();
        LedgerChecks.assertHealthy(pool, user);
    }

    @Test
    void concurrentSpendingWhileThePassExpiresPromotions_spendsOrExpiresEachCreditOnce() {
        List<String> users = IntStream.range(0, 8).mapToObj(i -> CreditsApi.newUser("promo-race")).toList();
        List<UUID> flashes = new ArrayList<>();
        for (String user : users) {
            CreditsApi.adjust(user, 100).then().statusCode(201);
            flashes.add(UUID.fromString(CreditsApi.promote(user, "flash", 60, 1).then().statusCode(201)
                    .extract().jsonPath().getString("promotionId")));
        }
        ExecutorService callers = Executors.newFixedThreadPool(24);
        try {
            List<Supplier<Object>> work = new ArrayList<>();
            for (String user : users) {
                for (int i = 0; i < 12; i++) {
                    work.add(() -> CreditsApi.charge(UUID.randomUUID(), user, 7).statusCode());
                }
            }
            // Half-way through the spending, every flash promotion expires and two passes race to take it back.
            work.add(work.size() / 2, () -> {
                flashes.forEach(this::expireNow);
                return List.of(expiry.runOnce(), expiry.runOnce()).stream()
                        .map(run -> run.subscribeAsCompletionStage()).toList().stream()
                        .map(CompletableFuture::join).toList();
            });
            List<CompletableFuture<Object>> running = work.stream()
                    .map(call -> CompletableFuture.supplyAsync(call, callers)).toList();
            running.forEach(CompletableFuture::join);
        } finally {
            callers.shutdown();
        }
        expiry.runOnce().await().atMost(WAIT);
        for (int i = 0; i < users.size(); i++) {
            String user = users.get(i);
            UUID flash = flashes.get(i);
            long spent = TestSql.count(pool, "SELECT total_spent FROM accounts WHERE user_id = $1", user);
            long expired = TestSql.count(pool, "SELECT expired FROM promotions WHERE id = $1", flash);
            JsonPath me = CreditsApi.me(user).then().statusCode(200).extract().jsonPath();
            assertThat(spent % 7).isZero();
            assertThat(spent + expired + me.getLong("available")).as("every credit spent, expired or still there")
                    .isEqualTo(100 + 100 + 60);
            assertThat(TestSql.count(pool, "SELECT count(*) FROM ledger_transactions WHERE idempotency_key = $1",
                    "promotion:" + flash + ":expiry")).isLessThanOrEqualTo(1);
            assertThat(TestSql.count(pool, "SELECT remaining FROM promotions WHERE id = $1", flash)).isZero();
            LedgerChecks.assertHealthy(pool, user);
        }
    }

    private Response grant(Map<String, Object> body) {
        return given().header("Authorization", TestTokens.bearer("growth-backend", "service"))
                .contentType("application/json").body(body).when().post("/credits/promotions");
    }

    /** Moves a promotion's expiry into the past: the test's way of letting a day go by. */
    private void expireNow(UUID promotionId) {
        TestSql.execute(pool, "UPDATE promotions SET expires_at = now() - interval '1 second' WHERE id = $1",
                promotionId);
    }

    private void assertBalances(String user, long purchased, long promotional) {
        JsonPath me = CreditsApi.me(user).then().statusCode(200).extract().jsonPath();
        assertThat(me.getLong("purchased")).as("purchased").isEqualTo(purchased);
        assertThat(me.getLong("promotional")).as("promotional").isEqualTo(promotional);
        assertThat(me.getLong("available")).as("available").isEqualTo(purchased + promotional);
    }
}
