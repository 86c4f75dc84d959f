package io.tally.credits;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.tally.common.events.EventTypes;
import io.tally.common.events.Topics;
import io.tally.common.events.payments.PaymentConfirmed;
import io.tally.common.events.payments.PaymentReversed;
import io.tally.common.testing.TestTokens;
import io.tally.common.testing.TopicReader;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Clawbacks that follow the coins: a reversed purchase its buyer no longer holds freezes the earnings its coins produced
 * through gifts since the grant (and reverses the platform's fee on them); only the rest becomes the buyer's debt.
 */
@QuarkusTest
class ClawbacksTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    Pool pool;

    @Test
    void aReversedPurchaseFreezesTheEarningsItsGiftsProduced_andLeavesNoDebtWhenTheyCoverIt() {
        String buyer = CreditsApi.newUser("buyer");
        String first = CreditsApi.newUser("streamer");
        String second = CreditsApi.newUser("streamer");
        UUID payment = grant(buyer, 100);
        CreditsApi.gift(buyer, UUID.randomUUID().toString(), first, "diamond", 1).then().statusCode(201); // 35 + fee 15
        CreditsApi.gift(buyer, UUID.randomUUID().toString(), second, "star", 2).then().statusCode(201);   // 14 + fee 6

        try (TopicReader events = new TopicReader(Topics.CREDITS)) {
            CreditsApi.publish(EventTypes.PAYMENT_REVERSED, new PaymentReversed(payment, buyer, 100, "charged_back",
                    "stripe", 1));
            await().atMost(WAIT).until(() -> me(first).getLong("frozenEarnings") == 35);
            JsonPath clawedBack = JsonPath.from(events.withKey(buyer).stream()
                    .filter(r -> type(r).equals(EventTypes.CREDITS_CLAWED_BACK.name())).findFirst().orElseThrow().value());
            assertThat(clawedBack.getLong("takenFromBalance")).isEqualTo(30);
            assertThat(clawedBack.getLong("frozenEarnings")).isEqualTo(35 + 14);
            assertThat(clawedBack.getLong("feesReversed")).isEqualTo(15 + 6);
            assertThat(clawedBack.getLong("addedToDebt")).isZero();
            await().atMost(WAIT).until(() -> events.withKey(second).stream()
                    .anyMatch(r -> type(r).equals(EventTypes.EARNINGS_FROZEN.name())));
        }
        JsonPath buyerNow = me(buyer);
        assertThat(buyerNow.getLong("purchased")).isZero();
        assertThat(buyerNow.getLong("debt")).isZero();
        assertThat(buyerNow.getLong("promotional")).as("promotional credits are never clawed back").isEqualTo(100);
        JsonPath firstNow = me(first);
        assertThat(firstNow.getLong("earnings")).isZero();
        assertThat(firstNow.getLong("frozenEarnings")).isEqualTo(35);
        assertThat(me(second).getLong("frozenEarnings")).isEqualTo(14);

        // The streamer's statement says what happened and why.
        JsonPath statement = given().header("Authorization", TestTokens.bearer(first, "user"))
                .when().get("/credits/me/statement").then().statusCode(200).extract().jsonPath();
        assertThat(statement.getString("lines[0].kind")).isEqualTo("clawback");
        assertThat(statement.getString("lines[0].reason")).isEqualTo("charged_back");
        assertThat(statement.getLong("lines[0].earnings")).isEqualTo(-35);
        assertThat(statement.getLong("lines[0].frozen")).isEqualTo(35);
        for (String user : new String[] {buyer, first, second}) {
            LedgerChecks.assertHealthy(pool, user);
        }
    }

    @Test
    void twoReversedPurchasesShareTheGiftsSentAfterBoth_andAPurchaseAfterTheGiftsIsDebt() {
        String buyer = CreditsApi.newUser("buyer");
        String streamer = CreditsApi.newUser("streamer");
        UUID first = grant(buyer, 30);
        UUID second = grant(buyer, 30);
        CreditsApi.gift(buyer, UUID.randomUUID().toString(), streamer, "heart", 10).then().statusCode(201); // 35 + 15

        // 10 of the first purchase are still there; 20 became hearts: 14 of their earnings frozen, 6 of fee reversed.
        reverse(first, buyer, 30);
        await().atMost(WAIT).until(() -> me(streamer).getLong("frozenEarnings") == 14);
        assertThat(me(buyer).getLong("debt")).isZero();
        assertThat(me(streamer).getLong("earnings")).isEqualTo(21);

        // The second finds 30 of the hearts' cost unclaimed: the other 21 frozen, 9 of fee reversed.
        reverse(second, buyer, 30);
        await().atMost(WAIT).until(() -> me(streamer).getLong("frozenEarnings") == 35);
        assertThat(me(streamer).getLong("earnings")).isZero();
        assertThat(me(buyer).getLong("debt")).isZero();

        // A purchase granted after the hearts, spent on a job and reversed, followed nothing into earnings: all debt.
        UUID third = grant(buyer, 10);
        CreditsApi.charge(UUID.randomUUID(), buyer, 110).then().statusCode(201); // the promotional 100, then these 10
        reverse(third, buyer, 10);
        await().atMost(WAIT).until(() -> me(buyer).getLong("debt") == 10);
        assertThat(me(streamer).getLong("frozenEarnings")).isEqualTo(35);
        LedgerChecks.assertHealthy(pool, buyer);
        LedgerChecks.assertHealthy(pool, streamer);
    }

    private static void reverse(UUID payment, String buyer, long credits) {
        CreditsApi.publish(EventTypes.PAYMENT_REVERSED, new PaymentReversed(payment, buyer, credits, "refunded",
                "stripe", 1));
    }

    /** A confirmed purchase of {@code credits}, granted; returns the payment id. */
    private static UUID grant(String buyer, long credits) {
        long before = me(buyer).getLong("purchased") - me(buyer).getLong("debt");
        UUID payment = UUID.randomUUID();
        CreditsApi.publish(EventTypes.PAYMENT_CONFIRMED, new PaymentConfirmed(payment, buyer, credits, 9900, "THB",
                "stripe", 1));
        await().atMost(WAIT).until(() -> me(buyer).getLong("purchased") - me(buyer).getLong("debt") == before + credits);
        return payment;
    }

    private static JsonPath me(String user) {
        return CreditsApi.me(user).then().statusCode(200).extract().jsonPath();
    }

    private static String type(org.apache.kafka.clients.consumer.ConsumerRecord<String, String> record) {
        return new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8);
    }
}
