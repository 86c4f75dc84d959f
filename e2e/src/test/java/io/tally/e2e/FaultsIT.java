package io.tally.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tally.common.events.EventTypes;
import io.tally.common.events.Topics;
import io.tally.common.testing.AllAtOnce;
import io.tally.common.testing.BrokerControl;
import io.tally.common.testing.TestKafka;
import io.tally.common.testing.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real failures under a steady mixed load, one at a time and then together. After each: every operation the
 * clients started completed, every job ended, every purchase was credited, and the invariants hold. Each fault
 * adds a row to the reliability report (docs/reliability.md holds a real run's table).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {

    private static final Duration SETTLE = Duration.ofSeconds(90);

    private static Suite suite;
    private static Stack stack;
    private static Tally tally;
    private static InvariantChecker invariants;

    @BeforeAll
    static void startTheSuite() {
        suite = Suite.start();
        stack = suite.stack();
        tally = suite.tally();
        invariants = suite.invariants();
    }

    @AfterAll
    static void stopTheSuite() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    @Order(1)
    void killingEachServiceInTurnMidLoadLosesNothing() throws Exception {
        underLoad("kill -9 of each service in turn (credits, jobs, payments, presence), restarted at once", load -> {
            for (String service : Stack.SERVICES) {
                hold(Duration.ofSeconds(2));
                stack.killAndRestart(service);
            }
            hold(Duration.ofSeconds(2));
        });
    }

    @Test
    @Order(2)
    void stoppingKafkaForTwentySecondsLosesNothing() throws Exception {
        underLoad("Kafka broker stopped for 20 s, then started", load -> {
            hold(Duration.ofSeconds(2));
            BrokerControl.stop();
            try {
                hold(Duration.ofSeconds(20));
            } finally {
                BrokerControl.start();
            }
            hold(Duration.ofSeconds(2));
        });
    }

    @Test
    @Order(3)
    void crashingPostgresMidLoadLosesNothing() throws Exception {
        underLoad("PostgreSQL killed (kill -9 of the postmaster and every backend) mid-load, restarted with crash "
                + "recovery", load -> {
            hold(Duration.ofSeconds(2));
            DatabaseControl.crashAndRestart();
            hold(Duration.ofSeconds(2));
        });
    }

    @Test
    @Order(4)
    void stoppingPostgresForTwentySecondsLosesNothing() throws Exception {
        underLoad("PostgreSQL stopped (fast shutdown) for 20 s, then started", load -> {
            hold(Duration.ofSeconds(2));
            DatabaseControl.stop();
            try {
                hold(Duration.ofSeconds(20));
            } finally {
                DatabaseControl.start();
            }
            hold(Duration.ofSeconds(2));
        });
    }

    @Test
    @Order(5)
    void aWorkerThatDiesHoldingLeasesDelaysItsJobsOnly() throws Exception {
        underLoad("a worker dies holding up to 5 leases (5 s); the fleet runs on", load -> {
            String owner = Tally.user("orphan-owner");
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                jobs.add(tally.submitted(owner, "text_to_image"));
            }
            jobs.forEach(id -> load.jobOwners.put(id, owner));
            await().atMost(Duration.ofSeconds(20)).until(() -> jobs.stream().allMatch(id -> !tally.status(owner, id).equals("PENDING")));
            // The doomed worker grabs what it can and is never heard of again.
            List<Tally.Claimed> held = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                held.addAll(tally.claim("doomed-worker", 5, 5, 1));
                return !held.isEmpty();
            });
            // whoever's jobs it took (the load's, these, another test's), the lease sweep gives them back
            await().atMost(Duration.ofSeconds(60)).until(() -> held.stream().allMatch(job -> InvariantChecker.TERMINAL.contains(
                    ServiceDatabases.query("jobs", "SELECT status FROM jobs WHERE id = ?::uuid", row -> row.getString(1),
                            job.jobId()).get(0))));
            Api.Answer late = tally.complete("doomed-worker", held.get(0));
            assertThat(late.status()).as("a stale lease holder's report").isEqualTo(409);
        });
    }

    @Test
    @Order(6)
    void theSameWebhookDeliveredTenTimesAtOnceIsAppliedOnce() throws Exception {
        underLoad("one Stripe confirmation delivered 10× concurrently (3 payments)", load -> {
            for (int round = 0; round < 3; round++) {
                String buyer = Tally.user("storm-buyer");
                Tally.Purchase purchase = tally.checkout(buyer, "thb-pro", Tally.newKey());
                String body = Tally.succeeded(purchase);
                List<Api.Answer> answers = AllAtOnce.run(10, () -> tally.stripeWebhook(body));
                assertThat(answers).extracting(Api.Answer::status).containsOnly(200);
                assertThat(answers).extracting(a -> a.json().get("outcome").asText())
                        .containsOnlyOnce("applied").containsOnly("applied", "duplicate");
                load.purchases.add(purchase);
                load.purchaseBuyers.put(purchase.paymentId(), buyer);
                await().atMost(Duration.ofSeconds(30)).until(() -> tally.balance(buyer) == 100 + purchase.credits());
            }
        });
    }

    @Test
    @Order(7)
    void theSameJobSubmittedTenTimesAtOnceWithOneKeyIsOneJob() throws Exception {
        underLoad("one POST /jobs with one Idempotency-Key sent 10× concurrently (3 rounds)", load -> {
            for (int round = 0; round < 3; round++) {
                String user = Tally.user("double-clicker");
                String key = Tally.newKey();
                List<Api.Answer> answers = AllAtOnce.run(10, () -> tally.submit(user, "text_to_video", key));
                Set<String> ids = new HashSet<>();
                for (Api.Answer answer : answers) {
                    if (answer.status() == 202) {
                        ids.add(answer.json().get("id").asText());
                    } else {
                        // a duplicate racing the first one's commit is told to retry, never given a second job
                        assertThat(answer.status()).as(answer.body()).isEqualTo(409);
                        assertThat(answer.contentType()).contains("problem+json");
                    }
                }
                assertThat(ids).hasSize(1);
                String jobId = ids.iterator().next();
                load.jobOwners.put(jobId, user);
                assertThat(ServiceDatabases.count("jobs", "SELECT count(*) FROM jobs WHERE user_id = ?", user)).isEqualTo(1);
                await().atMost(Duration.ofSeconds(30)).until(() -> tally.balance(user) == 100 - tally.job(user, jobId).get("cost").asLong());
            }
        });
    }

    @Test
    @Order(8)
    void poisonMessagesAreDeadLetteredAndTheConsumersKeepGoing() throws Exception {
        underLoad("poison records on tally.jobs.events and tally.credits.events", load -> {
            try (TopicReader creditsDlq = new TopicReader(Topics.deadLetter("credits"));
                 TopicReader jobsDlq = new TopicReader(Topics.deadLetter("jobs"))) {
                String forCredits = UUID.randomUUID().toString();
                String forJobs = UUID.randomUUID().toString();
                TestKafka.send(Topics.JOBS, null, "poison-user",  "{\"jobId\": not json",
                        TestKafka.cloudEventHeaders(forCredits, EventTypes.JOB_REQUESTED.name()));
                TestKafka.send(Topics.CREDITS, null, "poison-user", "[1, 2, 3]",
                        TestKafka.cloudEventHeaders(forJobs, EventTypes.CREDITS_HELD.name()));
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        !creditsDlq.matching(r -> forCredits.equals(TestKafka.header(r, "ce_id"))).isEmpty()
                                && !jobsDlq.matching(r -> forJobs.equals(TestKafka.header(r, "ce_id"))).isEmpty());
            }
            // and the saga still flows: a job submitted after the poison holds its price and is queued
            String user = Tally.user("after-poison");
            String jobId = tally.submitted(user, "text_to_image");
            load.jobOwners.put(jobId, user);
            await().atMost(Duration.ofSeconds(30)).until(() -> !tally.status(user, jobId).equals("PENDING"));
        });
    }

    @Test
    @Order(9)
    void allFaultsAtOnce() throws Exception {
        underLoad("combined: Kafka stopped 20 s, jobs and payments killed and restarted meanwhile, "
                + "a worker dies holding leases, 10× duplicate webhooks, a poison record", load -> {
            hold(Duration.ofSeconds(2));
            BrokerControl.stop();
            try {
                tally.claim("doomed-worker-2", 5, 5, 0);
                stack.killAndRestart("jobs");
                String buyer = Tally.user("storm-buyer");
                Tally.Purchase purchase = tally.checkout(buyer, "thb-pro", Tally.newKey());
                String body = Tally.succeeded(purchase);
                assertThat(AllAtOnce.run(10, () -> tally.stripeWebhook(body)))
                        .extracting(a -> a.json().get("outcome").asText()).containsOnlyOnce("applied");
                load.purchases.add(purchase);
                load.purchaseBuyers.put(purchase.paymentId(), buyer);
                stack.killAndRestart("payments");
                hold(Duration.ofSeconds(10));
            } finally {
                BrokerControl.start();
            }
            TestKafka.send(Topics.JOBS, null, "poison-user", "{broken",
                    TestKafka.cloudEventHeaders(UUID.randomUUID().toString(), EventTypes.JOB_REQUESTED.name()));
            hold(Duration.ofSeconds(3));
        });
    }

    /** Starts the mixed load, injects the fault, stops the clients, waits for everything to settle, checks. */
    private static void underLoad(String fault, ThrowingConsumer<MixedLoad> inject) throws Exception {
        long started = System.nanoTime();
        String result = "FAILED";
        MixedLoad load = MixedLoad.start(tally);
        try {
            hold(Duration.ofSeconds(3)); // steady state before the fault
            inject.accept(load);
            hold(Duration.ofSeconds(2));
            load.stopClients();
            long settleStarted = System.nanoTime();
            await("every job ended").atMost(SETTLE).pollInterval(Duration.ofMillis(500)).until(() -> load.jobOwners
                    .entrySet().stream().allMatch(job -> InvariantChecker.TERMINAL.contains(tally.status(job.getValue(), job.getKey()))));
            await("every purchase credited").atMost(SETTLE).pollInterval(Duration.ofMillis(500)).until(() -> load.purchases
                    .stream().allMatch(p -> tally.payment(load.purchaseBuyers.get(p.paymentId()), p.paymentId())
                            .get("creditedCycle").asInt() == 1));
            invariants.awaitHealthy(SETTLE);
            result = "pass; settled " + (System.nanoTime() - settleStarted) / 1_000_000_000 + " s after the load stopped";
        } finally {
            load.close();
            ReliabilityReport.row(fault, (System.nanoTime() - started) / 1_000_000_000,
                    load.jobOwners.size() + " jobs, " + load.purchases.size() + " purchases, " + load.operations.get()
                            + " client operations in all, " + load.retries.get() + " client retries",
                    "every job ended, every purchase credited once, I1–I6", result);
        }
    }

    /** The fault's own duration (a broker kept down, steady load before a kill): not a wait for an outcome. */
    private static void hold(Duration duration) {
        await().pollDelay(duration).atMost(duration.plusSeconds(5)).until(() -> true);
    }

    @FunctionalInterface
    interface ThrowingConsumer<T> {
        void accept(T value) throws Exception;
    }
}
