package io.tally.credits;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.events.EventTypes;
import io.tally.common.events.jobs.JobCaptureRequested;
import io.tally.common.events.jobs.JobRequested;
import io.tally.common.events.jobs.JobVoidRequested;
import io.tally.common.events.payments.PaymentConfirmed;
import io.tally.common.events.payments.PaymentReversed;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** I1 and I2 after a concurrent mix of every operation, over both the API and Kafka. */
@QuarkusTest
class ReconciliationTest {

    @Inject
    Pool pool;

    @Test
    void theLedgerReconcilesAfterAConcurrentMixedWorkload() {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String user = CreditsApi.newUser("mix");
            CreditsApi.fund(user, 300);
            users.add(user);
        }
        List<UUID> payments = new ArrayList<>();
        ExecutorService pool16 = Executors.newFixedThreadPool(16);
        List<CompletableFuture<?>> work = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int step = i;
            work.add(CompletableFuture.runAsync(() -> randomOperation(step, users, payments), pool16));
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
        pool16.shutdown();

        String[] published = PUBLISHED.toArray(String[]::new);
        await().atMost(Duration.ofSeconds(30)).until(() -> TestSql.count(pool,
                "SELECT count(*) FROM inbox WHERE event_id = ANY($1)", (Object) published) == published.length);

        given().header("Authorization", TestTokens.bearer("ops", "admin"))
                .when().get("/credits/admin/reconciliation")
                .then().statusCode(200)
                .body("healthy", org.hamcrest.Matchers.equalTo(true))
                .body("accounts", org.hamcrest.Matchers.empty())
                .body("transactions", org.hamcrest.Matchers.empty());
        for (String user : users) {
            assertThat(CreditsApi.balance(user)).isGreaterThanOrEqualTo(0);
        }
    }

    private static final List<String> PUBLISHED = java.util.Collections.synchronizedList(new ArrayList<>());

    private static void publish(io.tally.common.events.EventType<?> type, io.tally.common.events.TallyEvent data) {
        PUBLISHED.add(CreditsApi.publish(type, data));
    }

    private static void randomOperation(int step, List<String> users, List<UUID> payments) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String user = users.get(random.nextInt(users.size()));
        String other = users.get(random.nextInt(users.size()));
        switch (step % 6) {
            case 0 -> {
                UUID job = UUID.randomUUID();
                CreditsApi.charge(job, user, 1 + random.nextInt(40));
                if (random.nextBoolean()) {
                    CreditsApi.refund(job, user);
                }
            }
            case 1 -> {
                UUID job = UUID.randomUUID();
                long cost = 1 + random.nextInt(30);
                publish(EventTypes.JOB_REQUESTED, new JobRequested(job, user, cost));
                if (random.nextBoolean()) {
                    publish(EventTypes.JOB_CAPTURE_REQUESTED, new JobCaptureRequested(job, user, random.nextLong(cost + 1)));
                } else {
                    publish(EventTypes.JOB_VOID_REQUESTED, new JobVoidRequested(job, user, "failed"));
                }
            }
            case 2 -> {
                if (!user.equals(other)) {
                    CreditsApi.gift(user, UUID.randomUUID().toString(), other, "heart", 1 + random.nextInt(3));
                }
            }
            case 3 -> {
                UUID payment = UUID.randomUUID();
                synchronized (payments) {
                    payments.add(payment);
                }
                publish(EventTypes.PAYMENT_CONFIRMED, new PaymentConfirmed(payment, user, 50, 1000, "USD", "stripe", 1));
                if (random.nextInt(3) == 0) {
                    publish(EventTypes.PAYMENT_REVERSED, new PaymentReversed(payment, user, 50, "charged_back", "stripe", 1));
                }
            }
            case 4 -> CreditsApi.charge(UUID.randomUUID(), user, 1 + random.nextInt(100));
            default -> CreditsApi.me(user);
        }
    }
}
