package io.tally.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.common.events.EventTypes;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the product's clients do, end to end over the four processes; the invariants are checked after each. */
class ClientJourneysIT {

    private static final long SIGNUP_BONUS = 100;
    private static final long GIFT_FEE_BPS = 3_000;
    private static final Duration SETTLE = Duration.ofSeconds(60);

    private static Suite suite;
    private static Tally tally;
    private static InvariantChecker invariants;

    @BeforeAll
    static void startTheSuite() {
        suite = Suite.start();
        tally = suite.tally();
        invariants = suite.invariants();
    }

    @AfterAll
    static void stopTheSuite() {
        if (suite != null) {
            suite.close();
        }
    }

    @AfterEach
    void invariantsHold() {
        invariants.awaitHealthy(SETTLE);
    }

    @Test
    void aUserBuysCreditsThroughASignedWebhookAndSeesTheBalanceGrow() {
        String buyer = Tally.user("buyer");
        assertThat(tally.balance(buyer)).isEqualTo(SIGNUP_BONUS);
        Tally.Purchase pro = tally.buy(buyer, "thb-pro");

        await().atMost(Duration.ofSeconds(30)).until(() -> tally.balance(buyer) == SIGNUP_BONUS + pro.credits());
        await().atMost(Duration.ofSeconds(30)).until(() -> tally.payment(buyer, pro.paymentId()).get("creditedCycle").asInt() == 1);
        assertThat(tally.payment(buyer, pro.paymentId()).get("status").asText()).isEqualTo("confirmed");
        assertThat(tally.account(buyer).get("totals").get("purchased").asLong()).isEqualTo(pro.credits());
    }

    /**
     * Jobs of every type; a fleet of three workers claims them, reports progress, completes some (some for less than
     * quoted) and fails others (retryable and not); the user cancels one while it is queued. Each job held its price:
     * completed ones captured their final price, failures and the cancellation voided their holds and ended
     * REFUNDED. The balance shows exactly the captured prices, nothing stays held, and the statement has one line per
     * completed job and none for a failed one.
     */
    @Test
    void jobsOfEveryTypeHoldTheirPriceOnAWorkerFleet_captureWhenDone_andVoidWhenFailed() throws Exception {
        String user = Tally.user("creator");
        tally.buy(user, "usd-creator");
        long funded = SIGNUP_BONUS + 500;
        await().atMost(Duration.ofSeconds(30)).until(() -> tally.balance(user) == funded);

        Map<String, Outcome> plan = new ConcurrentHashMap<>();
        List<String> jobs = new ArrayList<>();
        List<Outcome> workerOutcomes = List.of(Outcome.COMPLETE, Outcome.FAIL_PERMANENTLY,
                Outcome.FAIL_ONCE_THEN_COMPLETE, Outcome.FAIL_EVERY_ATTEMPT, Outcome.COMPLETE_FOR_ONE_CREDIT);
        int index = 0;
        for (String type : List.of("text_to_video", "image_to_video", "text_to_image")) {
            for (int i = 0; i < workerOutcomes.size(); i++) {
                String id = tally.submitted(user, type);
                jobs.add(id);
                plan.put(id, workerOutcomes.get(index++ % workerOutcomes.size()));
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> jobs.stream().allMatch(id -> tally.status(user, id).equals("QUEUED")));
        long quoted = jobs.stream().mapToLong(id -> tally.job(user, id).get("cost").asLong()).sum();
        assertThat(tally.account(user).get("held").asLong()).isEqualTo(quoted);
        assertThat(tally.account(user).get("available").asLong()).isEqualTo(funded - quoted);
        String cancelled = jobs.get(0);
        plan.put(cancelled, Outcome.CANCELLED_BY_USER);
        assertThat(tally.cancel(user, cancelled).status()).isEqualTo(200);

        try (WorkerFleet fleet = new WorkerFleet(tally, 3, plan)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> jobs.stream()
                    .allMatch(id -> Set.of("COMPLETED", "REFUNDED").contains(tally.status(user, id))));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> jobs.stream().allMatch(id ->
                Set.of("captured", "voided").contains(tally.job(user, id).get("chargeStatus").asText())));
        long spent = 0;
        Map<String, Long> capturedByJob = new HashMap<>();
        for (String id : jobs) {
            JsonNode job = tally.job(user, id);
            Outcome outcome = plan.get(id);
            assertThat(job.get("status").asText()).as("job %s planned %s", id, outcome).isEqualTo(outcome.finalStatus());
            if (outcome.finalStatus().equals("COMPLETED")) {
                long price = outcome == Outcome.COMPLETE_FOR_ONE_CREDIT ? 1 : job.get("cost").asLong();
                assertThat(job.get("capturedCredits").asLong()).as("job %s", id).isEqualTo(price);
                assertThat(job.get("progress").asInt()).isEqualTo(100);
                capturedByJob.put("job:" + id, -price);
                spent += price;
            } else {
                assertThat(job.get("chargeStatus").asText()).as("job %s", id).isEqualTo("voided");
            }
        }
        JsonNode account = tally.account(user);
        assertThat(account.get("balance").asLong()).isEqualTo(funded - spent);
        assertThat(account.get("held").asLong()).isZero();
        Map<String, Long> statementByJob = new HashMap<>();
        for (JsonNode line : tally.statement(user)) {
            if (line.path("reference").asText().startsWith("job:")) {
                assertThat(statementByJob.put(line.get("reference").asText(), line.get("amount").asLong()))
                        .as("one statement line per job: %s", line).isNull();
                assertThat(line.get("kind").asText()).isEqualTo("hold_capture");
            }
        }
        assertThat(statementByJob).isEqualTo(capturedByJob);
    }

    /**
     * A job's submission, its charge in credits-service and its completion by a worker are one trace: the client's
     * trace continues in jobs-service's request, through the outbox and Kafka into credits-service and back, and the
     * events of the job's later life (queued, started, completed) are published in the same trace.
     */
    @Test
    void aJobsSubmissionChargeAndCompletionAreOneTrace() {
        String user = Tally.user("traced");
        String traceId = Tally.newKey().replace("-", "");
        String clientSpanId = traceId.substring(0, 16);
        String jobId = tally.submittedInTrace(user, "text_to_image", traceParent(traceId, clientSpanId));
        await().atMost(Duration.ofSeconds(30)).until(() -> tally.status(user, jobId).equals("QUEUED"));
        String worker = Tally.user("trace-worker");
        // The queue is shared with the other journeys; a job of theirs claimed on the way is completed, as any worker
        // would (leaving it claimed would hold it for the lease and fail the invariants).
        Tally.Claimed claimed = await().atMost(Duration.ofSeconds(30)).until(() -> {
            Optional<Tally.Claimed> ours = Optional.empty();
            for (Tally.Claimed job : tally.claim(worker, 10, 60, 1)) {
                if (job.jobId().equals(jobId)) {
                    ours = Optional.of(job);
                } else {
                    assertThat(tally.complete(worker, job).status()).isEqualTo(200);
                }
            }
            return ours;
        }, Optional::isPresent).orElseThrow();
        assertThat(tally.complete(worker, claimed).status()).isEqualTo(200);

        String request = "jobs-service POST /jobs";
        String publishRequested = "jobs-service publish " + EventTypes.JOB_REQUESTED.name();
        String processRequested = "credits-service process " + EventTypes.JOB_REQUESTED.name();
        String publishCharged = "credits-service publish " + EventTypes.CREDITS_HELD.name();
        String processCharged = "jobs-service process " + EventTypes.CREDITS_HELD.name();
        String publishCompleted = "jobs-service publish " + EventTypes.JOB_COMPLETED.name();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(suite.traces().trace(traceId).stream()
                .map(span -> span.service() + " " + span.name()).toList()).contains(request, publishRequested,
                processRequested, publishCharged, processCharged, "jobs-service publish " + EventTypes.JOB_QUEUED.name(),
                "jobs-service publish " + EventTypes.JOB_STARTED.name(), publishCompleted));

        Map<String, TraceCollector.ReceivedSpan> spans = spansByName(traceId);
        assertThat(spans.get(request).kind()).isEqualTo("SPAN_KIND_SERVER");
        assertThat(spans.get(request).parentSpanId()).as("the client's span is the request's parent")
                .isEqualTo(clientSpanId);
        assertChild(spans, publishRequested, request);
        assertChild(spans, processRequested, publishRequested);
        assertChild(spans, publishCharged, processRequested);
        assertChild(spans, processCharged, publishCharged);
        assertChild(spans, publishCompleted, request);
        assertThat(spans.get(processRequested).kind()).isEqualTo("SPAN_KIND_CONSUMER");
        assertThat(spans.get(publishCharged).kind()).isEqualTo("SPAN_KIND_PRODUCER");
        assertThat(spans.get(publishCompleted).attributes())
                .containsEntry("messaging.destination.name", "tally.jobs.events")
                .containsKey("messaging.message.id")
                .containsEntry("cloudevents.event_type", EventTypes.JOB_COMPLETED.name());
    }

    /** A purchase is one trace: checkout, the confirmation the webhook brings, the grant, its acknowledgement. */
    @Test
    void aPurchaseIsOneTraceFromCheckoutThroughTheWebhookToTheGrant() {
        String buyer = Tally.user("traced-buyer");
        String traceId = Tally.newKey().replace("-", "");
        String clientSpanId = traceId.substring(16);
        Tally.Purchase purchase = tally.buyInTrace(buyer, "thb-pro", traceParent(traceId, clientSpanId));
        await().atMost(SETTLE).until(() -> tally.payment(buyer, purchase.paymentId()).get("creditedCycle").asInt() == 1);

        String checkout = "payments-service POST /payments/checkout";
        String publishConfirmed = "payments-service publish " + EventTypes.PAYMENT_CONFIRMED.name();
        String processConfirmed = "credits-service process " + EventTypes.PAYMENT_CONFIRMED.name();
        String publishGranted = "credits-service publish " + EventTypes.CREDITS_GRANTED.name();
        String processGranted = "payments-service process " + EventTypes.CREDITS_GRANTED.name();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(spansByName(traceId))
                .containsKeys(checkout, publishConfirmed, processConfirmed, publishGranted, processGranted));
        Map<String, TraceCollector.ReceivedSpan> spans = spansByName(traceId);
        assertThat(spans.get(checkout).parentSpanId()).isEqualTo(clientSpanId);
        assertChild(spans, publishConfirmed, checkout);
        assertChild(spans, processConfirmed, publishConfirmed);
        assertChild(spans, publishGranted, processConfirmed);
        assertChild(spans, processGranted, publishGranted);
    }

    private static String traceParent(String traceId, String spanId) {
        return "00-" + traceId + "-" + spanId + "-01";
    }

    /** The spans of a trace by "service name" (the first of each, should one repeat). */
    private static Map<String, TraceCollector.ReceivedSpan> spansByName(String traceId) {
        Map<String, TraceCollector.ReceivedSpan> spans = new HashMap<>();
        suite.traces().trace(traceId).forEach(span -> spans.putIfAbsent(span.service() + " " + span.name(), span));
        return spans;
    }

    private static void assertChild(Map<String, TraceCollector.ReceivedSpan> spans, String child, String parent) {
        assertThat(spans.get(child).parentSpanId()).as("%s is a child of %s", child, parent)
                .isEqualTo(spans.get(parent).spanId());
    }

    @Test
    void giftsMovePurchasedCreditsToTheStreamersEarningsMinusTheFee() {
        String fan = Tally.user("fan");
        String streamer = Tally.user("streamer");
        assertThat(tally.balance(streamer)).isEqualTo(SIGNUP_BONUS);
        // The signup bonus is promotional: it pays for jobs, never for a streamer's earnings.
        Api.Answer promotionalOnly = tally.gift(fan, streamer, "rose");
        assertThat(promotionalOnly.status()).isEqualTo(402);
        assertThat(promotionalOnly.json().get("promotional").asLong()).isEqualTo(SIGNUP_BONUS);
        tally.buy(fan, "thb-enterprise"); // 100 credits
        await().atMost(Duration.ofSeconds(30)).until(() -> tally.account(fan).get("purchased").asLong() == 100);
        long expectedEarnings = 0;
        long spent = 0;
        for (String gift : List.of("heart", "star", "rose", "diamond")) {
            long cost = Map.of("rose", 1L, "heart", 5L, "star", 10L, "diamond", 50L).get(gift);
            assertThat(tally.gift(fan, streamer, gift).status()).isEqualTo(201);
            expectedEarnings += cost - Math.floorDiv(cost * GIFT_FEE_BPS, 10_000);
            spent += cost;
        }
        assertThat(tally.account(streamer).get("earnings").asLong()).isEqualTo(expectedEarnings);
        assertThat(tally.balance(streamer)).as("earnings are kept apart from spendable credits").isEqualTo(SIGNUP_BONUS);
        assertThat(tally.balance(fan)).isEqualTo(SIGNUP_BONUS + 100 - spent);
        assertThat(tally.account(fan).get("promotional").asLong()).isEqualTo(SIGNUP_BONUS);

        Api.Answer tooExpensive = tally.gift(fan, streamer, "crown");
        assertThat(tooExpensive.status()).isEqualTo(402);
        assertThat(tooExpensive.json().get("needed").asLong()).isEqualTo(100);
        assertThat(tooExpensive.json().get("available").asLong()).isEqualTo(100 - spent);
        assertThat(tally.gift(fan, fan, "rose").status()).isEqualTo(422);
    }

    @Test
    void aReversedPurchaseFreezesTheEarningsItsGiftsProduced_andTheRestIsDebtTheNextPurchaseRepays() {
        String user = Tally.user("debtor");
        Tally.Purchase pro = tally.buy(user, "thb-pro"); // 25 credits
        await().atMost(Duration.ofSeconds(30)).until(() -> tally.balance(user) == SIGNUP_BONUS + 25);
        String streamer = Tally.user("streamer");
        assertThat(tally.gift(user, streamer, "star").status()).isEqualTo(201); // 10 of the 25: 7 earned, 3 fee
        // Another backend charges 110 over credits' service API: the 100 promotional first, then 10 purchased.
        assertThat(tally.api().post("credits", "/credits/charges", Api.bearer("e2e-backend", "service"),
                Map.of("jobId", java.util.UUID.randomUUID().toString(), "userId", user, "amount", 110), Map.of())
                .status()).isEqualTo(201);

        // The reversal takes the 5 purchased credits left, follows 10 into the star (the streamer's 7 frozen, the fee
        // of 3 reversed) and records the 10 spent on the charge as debt.
        assertThat(Tally.ok(tally.stripeWebhook(Tally.fullyRefunded(pro))).get("outcome").asText()).isEqualTo("applied");
        await().atMost(Duration.ofSeconds(30)).until(() -> tally.account(user).get("debt").asLong() == 10);
        assertThat(tally.account(user).get("purchased").asLong()).isZero();
        // The charge spent the signup bonus; a reversal neither claws promotional credits back nor returns them.
        assertThat(tally.account(user).get("promotional").asLong()).isZero();
        JsonNode frozen = tally.account(streamer);
        assertThat(frozen.get("frozenEarnings").asLong()).isEqualTo(7);
        assertThat(frozen.get("earnings").asLong()).isZero();
        JsonNode line = tally.statement(streamer).get(0);
        assertThat(line.get("kind").asText()).isEqualTo("clawback");
        assertThat(line.get("frozen").asLong()).isEqualTo(7);
        Api.Answer refused = tally.gift(user, streamer, "rose");
        assertThat(refused.status()).isEqualTo(402);
        assertThat(refused.body()).contains("account-in-debt");

        tally.buy(user, "thb-popular"); // 10 credits: exactly the debt
        await().atMost(Duration.ofSeconds(30)).until(() -> tally.account(user).get("debt").asLong() == 0);
        assertThat(tally.account(user).get("purchased").asLong()).isZero();
        tally.buy(user, "thb-starter"); // 3 credits, spendable again
        await().atMost(Duration.ofSeconds(30)).until(() -> tally.account(user).get("purchased").asLong() == 3);
        assertThat(tally.gift(user, streamer, "rose").status()).isEqualTo(201);
    }

    @Test
    void promotionalCreditsPayForAJobFirst_andWhatIsLeftOfThemExpires() throws Exception {
        String user = Tally.user("promoted");
        tally.buy(user, "thb-popular"); // 10 purchased, next to the 100 of the signup bonus
        await().atMost(Duration.ofSeconds(30)).until(() -> tally.account(user).get("purchased").asLong() == 10);
        OffsetDateTime expiresAt = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(20);
        JsonNode granted = Tally.ok(tally.promote(user, "flash-sale", 20, expiresAt));
        assertThat(granted.get("promotionalAfter").asLong()).isEqualTo(SIGNUP_BONUS + 20);
        assertThat(tally.account(user).get("nextExpiry").get("credits").asLong()).as("the flash sale expires first")
                .isEqualTo(20);

        String job = tally.submitted(user, "text_to_image");
        long cost = tally.job(user, job).get("cost").asLong();
        assertThat(cost).isLessThan(20);
        try (WorkerFleet fleet = new WorkerFleet(tally, 1, Map.of(job, Outcome.COMPLETE))) {
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    tally.job(user, job).get("chargeStatus").asText().equals("captured"));
        }
        JsonNode paid = tally.account(user);
        assertThat(paid.get("purchased").asLong()).as("bought credits are spent last").isEqualTo(10);
        assertThat(paid.get("promotional").asLong()).isEqualTo(SIGNUP_BONUS + 20 - cost);

        // The expiry pass takes back what is left of the flash sale once it is past its expiry.
        await().atMost(Duration.ofSeconds(60)).until(() ->
                tally.account(user).get("promotional").asLong() == SIGNUP_BONUS);
        assertThat(tally.account(user).get("purchased").asLong()).isEqualTo(10);
        assertThat(OffsetDateTime.now(ZoneOffset.UTC)).isAfter(expiresAt);
        List<String> kinds = new ArrayList<>();
        long expired = 0;
        for (JsonNode line : tally.statement(user)) {
            kinds.add(line.get("kind").asText());
            if (line.get("kind").asText().equals("promotion_expiry")) {
                expired -= line.get("amount").asLong();
            }
        }
        assertThat(kinds).containsExactly("promotion_expiry", "hold_capture", "promotion", "purchase", "signup_bonus");
        assertThat(expired).isEqualTo(20 - cost);
    }

    @Test
    void aBoxIsPublishedWhileSomeoneWatchesAndUnpublishedWhenNobodyDoes() {
        String streamer = Tally.user("streamer");
        String box = tally.createBox(streamer);
        assertThat(tally.published(box)).isFalse();

        String alice = Tally.user("viewer");
        String bob = Tally.user("viewer");
        String aliceConnection = tally.join(alice, box);
        assertThat(tally.published(box)).as("published by the first join").isTrue();
        String bobConnection = tally.join(bob, box);
        assertThat(tally.leave(alice, box, aliceConnection).status()).isEqualTo(204);
        assertThat(tally.published(box)).as("bob still watches").isTrue();
        assertThat(tally.leave(bob, box, bobConnection).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(10)).until(() -> !tally.published(box));

        // A viewer who goes silent (closed the app) is swept after the timeout, and the box unpublished.
        tally.join(Tally.user("viewer"), box);
        assertThat(tally.published(box)).isTrue();
        await().atMost(Duration.ofSeconds(Stack.PRESENCE_TIMEOUT_SECONDS + 10)).until(() -> !tally.published(box));
    }

    /** What the simulated worker does with each job; a job nobody planned (another test's) is completed. */
    enum Outcome {
        COMPLETE("COMPLETED"),
        COMPLETE_FOR_ONE_CREDIT("COMPLETED"),
        FAIL_PERMANENTLY("REFUNDED"),
        FAIL_ONCE_THEN_COMPLETE("COMPLETED"),
        FAIL_EVERY_ATTEMPT("REFUNDED"),
        CANCELLED_BY_USER("REFUNDED");

        private final String finalStatus;

        Outcome(String finalStatus) {
            this.finalStatus = finalStatus;
        }

        String finalStatus() {
            return finalStatus;
        }
    }

    /** Workers that claim, heartbeat progress and report as the plan says, until closed. */
    static final class WorkerFleet implements AutoCloseable {
        private final ExecutorService threads;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Future<?>> workers = new ArrayList<>();
        private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

        WorkerFleet(Tally tally, int size, Map<String, Outcome> plan) {
            threads = Executors.newFixedThreadPool(size);
            for (int i = 0; i < size; i++) {
                String worker = "render-worker-" + i;
                workers.add(threads.submit(() -> {
                    while (running.get()) {
                        for (Tally.Claimed job : tally.claim(worker, 2, 30, 1)) {
                            work(tally, worker, job, plan.getOrDefault(job.jobId(), Outcome.COMPLETE));
                        }
                    }
                    return null;
                }));
            }
        }

        private void work(Tally tally, String worker, Tally.Claimed job, Outcome outcome) {
            int attempt = attempts.merge(job.jobId(), 1, Integer::sum);
            assertThat(tally.heartbeat(worker, job, 50).status()).isEqualTo(200);
            Api.Answer report = switch (outcome) {
                case COMPLETE, CANCELLED_BY_USER -> tally.complete(worker, job);
                case COMPLETE_FOR_ONE_CREDIT -> tally.completeFor(worker, job, 1);
                case FAIL_PERMANENTLY -> tally.fail(worker, job, false);
                case FAIL_ONCE_THEN_COMPLETE -> attempt == 1 ? tally.fail(worker, job, true) : tally.complete(worker, job);
                case FAIL_EVERY_ATTEMPT -> tally.fail(worker, job, true);
            };
            assertThat(report.status()).as("report on %s: %s", job.jobId(), report.body()).isEqualTo(200);
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            for (Future<?> worker : workers) {
                worker.get(30, TimeUnit.SECONDS); // rethrows a worker's failed assertion
            }
            threads.shutdownNow();
        }
    }
}
