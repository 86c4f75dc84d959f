package io.tally.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class GiftTest {

    @Inject
    Pool pool;

    @Test
    void aGiftSplitsIntoEarningsAndAPlatformFeeRoundedDown() {
        String viewer = CreditsApi.newUser("viewer");
        String streamer = CreditsApi.newUser("streamer");
        CreditsApi.fund(viewer, 1000);

        // heart costs 5: the 30 % fee is 1.5, rounded down to 1, so the streamer gets 4.
        CreditsApi.gift(viewer, UUID.randomUUID().toString(), streamer, "heart", 1).then().statusCode(201)
                .body("cost", equalTo(5)).body("fee", equalTo(1)).body("recipientAmount", equalTo(4));
        // three roses cost 3: 0.9 rounds down to 0, the streamer gets all 3.
        CreditsApi.gift(viewer, UUID.randomUUID().toString(), streamer, "rose", 3).then().statusCode(201)
                .body("cost", equalTo(3)).body("fee", equalTo(0)).body("recipientAmount", equalTo(3));
        // a crown costs 100: exactly 30 and 70.
        CreditsApi.gift(viewer, UUID.randomUUID().toString(), streamer, "crown", 1).then().statusCode(201)
                .body("fee", equalTo(30)).body("recipientAmount", equalTo(70));

        assertThat(CreditsApi.balance(viewer)).isEqualTo(1000 - 5 - 3 - 100);
        CreditsApi.account(streamer).then().statusCode(200)
                .body("earnings", equalTo(4 + 3 + 70)).body("balance", equalTo(100))
                .body("totals.received", equalTo(77));
        assertThat(TestSql.count(pool, """
                SELECT coalesce(sum(e.amount), 0) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
                 WHERE t.user_id = $1 AND t.kind = 'gift' AND e.system_account = 'platform_revenue'
                """, viewer)).isEqualTo(31);
    }

    @Test
    void aGiftBeyondTheBalanceIsRefusedAndMovesNothing() {
        String viewer = CreditsApi.newUser("viewer");
        String streamer = CreditsApi.newUser("streamer");
        CreditsApi.fund(viewer, 40);
        CreditsApi.me(streamer).then().statusCode(200);

        CreditsApi.gift(viewer, UUID.randomUUID().toString(), streamer, "diamond", 1).then().statusCode(402)
                .body("needed", equalTo(50)).body("available", equalTo(40));
        assertThat(CreditsApi.balance(viewer)).isEqualTo(40);
        CreditsApi.account(streamer).then().body("earnings", equalTo(0));
    }

    @Test
    void selfGiftsUnknownTypesAndKeyReuseAreRefused() {
        String viewer = CreditsApi.newUser("viewer");
        String streamer = CreditsApi.newUser("streamer");
        CreditsApi.fund(viewer, 100);

        CreditsApi.gift(viewer, UUID.randomUUID().toString(), viewer, "rose", 1).then().statusCode(422)
                .body("type", equalTo("https://tally.dev/problems/self-gift"));
        CreditsApi.gift(viewer, UUID.randomUUID().toString(), streamer, "unicorn", 1).then().statusCode(422)
                .body("type", equalTo("https://tally.dev/problems/unknown-gift-type"));
        String key = UUID.randomUUID().toString();
        String giftId = CreditsApi.gift(viewer, key, streamer, "star", 1).then().statusCode(201).extract().path("giftId");
        CreditsApi.gift(viewer, key, streamer, "star", 1).then().statusCode(201)
                .header("Idempotent-Replayed", "true").body("giftId", equalTo(giftId));
        CreditsApi.gift(viewer, key, streamer, "star", 2).then().statusCode(409);
        assertThat(CreditsApi.balance(viewer)).isEqualTo(90);
    }

    @Test
    void theCatalogueListsActiveGiftTypes() {
        io.restassured.RestAssured.given().header("Authorization", TestTokens.bearer("anyone", "user"))
                .when().get("/credits/gift-types")
                .then().statusCode(200).body("code", org.hamcrest.Matchers.hasItems("rose", "heart", "crown"));
    }

    @Test
    void bothSidesSeeTheirGiftHistoryNewestFirst_pagedAndWithTheOtherParty() {
        String sender = CreditsApi.newUser("history-sender");
        String recipient = CreditsApi.newUser("history-recipient");
        CreditsApi.fund(sender, 100);
        CreditsApi.gift(sender, UUID.randomUUID().toString(), recipient, "rose", 3).then().statusCode(201);
        CreditsApi.gift(sender, UUID.randomUUID().toString(), recipient, "heart", 1).then().statusCode(201);

        var sent = io.restassured.RestAssured.given().header("Authorization", TestTokens.bearer(sender, "user"))
                .when().get("/credits/me/gifts?limit=1").then().statusCode(200).extract().jsonPath();
        assertThat(sent.getList("gifts")).hasSize(1);
        assertThat(sent.getString("gifts[0].giftType")).isEqualTo("heart");
        assertThat(sent.getString("gifts[0].otherParty")).isEqualTo(recipient);
        assertThat(sent.getLong("gifts[0].amount")).isEqualTo(5);
        String cursor = sent.getString("nextCursor");
        assertThat(cursor).isNotNull();
        var older = io.restassured.RestAssured.given().header("Authorization", TestTokens.bearer(sender, "user"))
                .when().get("/credits/me/gifts?limit=1&cursor=" + cursor).then().statusCode(200).extract().jsonPath();
        assertThat(older.getString("gifts[0].giftType")).isEqualTo("rose");
        assertThat(older.getInt("gifts[0].quantity")).isEqualTo(3);
        assertThat(older.getString("nextCursor")).isNull();

        var received = io.restassured.RestAssured.given().header("Authorization", TestTokens.bearer(recipient, "user"))
                .when().get("/credits/me/gifts?direction=received").then().statusCode(200).extract().jsonPath();
        assertThat(received.getList("gifts.giftType")).containsExactly("heart", "rose");
        assertThat(received.getList("gifts.otherParty")).containsOnly(sender);
        // heart 5 at 30 %: fee 1, the recipient gets 4; three roses: cost 3, fee 0.
        assertThat(received.getList("gifts.amount", Long.class)).containsExactly(4L, 3L);

        io.restassured.RestAssured.given().header("Authorization", TestTokens.bearer(recipient, "user"))
                .when().get("/credits/me/gifts?direction=sideways").then().statusCode(400);
    }
}
