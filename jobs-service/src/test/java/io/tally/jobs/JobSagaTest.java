package io.tally.jobs;

import static io.restassured.RestAssured.given;
import static io.tally.jobs.JobsApi.SAGA_WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.tally.common.events.CloudEventHeaders;
import io.tally.common.events.EventTypes;
import io.tally.common.events.Topics;
import io.tally.common.testing.CreditsServiceResource;
import io.tally.common.testing.TestKafka;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TestTokens;
import io.tally.common.testing.TopicReader;
import io.tally.jobs.saga.SagaSweep;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Flow 1 through the real broker and the real credits-service (a separate process). */
@QuarkusTest
@QuarkusTestResource(CreditsServiceResource.class)
class JobSagaTest {

    @Inject
    Pool pool;

    @Inject
    SagaSweep sagaSweep;

    @Test
    void aFundedJobHoldsItsPriceAndIsQueued_anUnaffordableOneIsRejectedWithTheReason() {
        String user = JobsApi.newUser("saga");
        Map<String, Object> labelled = JobsApi.video();
        labelled.put("metadata", Map.of("order", "A-7", "project", "trailer"));
        Response submitted = JobsApi.submit(user, labelled);
        submitted.then().statusCode(202);
        assertThat(submitted.jsonPath().getString("metadata.order")).isEqualTo("A-7");
        assertThat(submitted.jsonPath().getString("status")).isEqualTo("PENDING");
        assertThat(submitted.jsonPath().getLong("cost")).isEqualTo(15);
        UUID queued = UUID.fromString(submitted.jsonPath().getString("id"));
        assertThat(submitted.jsonPath().getString("holdId")).isEqualTo(queued.toString());
        JobsApi.awaitStatus(user, queued, "QUEUED");
        assertThat(JobsApi.available(user)).isEqualTo(100 - 15);
        assertThat(JobsApi.balance(user)).as("held, not spent").isEqualTo(100);
        assertThat(JobsApi.job(user, queued).jsonPath().getString("chargeStatus")).isEqualTo("held");
        assertThat(JobsApi.job(user, queued).jsonPath().getLong("availableAfter")).isEqualTo(85);

        Map<String, Object> expensive = JobsApi.video();
        expensive.put("durationSeconds", 60);
        expensive.put("resolution", "4k");
        expensive.put("model", "pro");
        UUID rejected = JobsApi.submitted(user, expensive);
        JobsApi.awaitStatus(user, rejected, "REJECTED");
        assertThat(JobsApi.job(user, rejected).jsonPath().getString("rejectionReason"))
                .isEqualTo("Insufficient credits: you have 85, this job needs 1080");
        assertThat(JobsApi.available(user)).isEqualTo(85);

        try (TopicReader jobsTopic = new TopicReader(Topics.JOBS)) {
            await().atMost(SAGA_WAIT).until(() -> typesOf(jobsTopic, user).containsAll(
                    List.of(EventTypes.JOB_QUEUED.name(), EventTypes.JOB_REJECTED.name())));
            // One request each; the funded job queued, the other rejected for other backends to see; no void
            // requested for a job that never held anything.
            assertThat(typesOf(jobsTopic, user)).containsExactlyInAnyOrder(EventTypes.JOB_REQUESTED.name(),
                    EventTypes.JOB_REQUESTED.name(), EventTypes.JOB_QUEUED.name(), EventTypes.JOB_REJECTED.name());
            assertThat(jobsTopic.withKey(user)).filteredOn(r -> EventTypes.JOB_REJECTED.name()
                            .equals(TestKafka.header(r, CloudEventHeaders.TYPE)))
                    .singleElement().satisfies(r -> assertThat(r.value())
                            .contains("\"reason\":\"insufficient_credits\"").contains("\"needed\":1080"));
            // The caller's labels travel with the job's events.
            assertThat(jobsTopic.withKey(user)).filteredOn(r -> EventTypes.JOB_QUEUED.name()
                            .equals(TestKafka.header(r, CloudEventHeaders.TYPE)))
                    .singleElement().satisfies(r -> assertThat(r.value())
                            .contains("\"metadata\":{\"order\":\"A-7\",\"project\":\"trailer\"}"));
        }
    }

    @Test
    void theSamePostTenTimesConcurrentlyWithOneKeyMakesOneJobAndOneHold() {
        String user = JobsApi.newUser("dup");
        String key = UUID.randomUUID().toString();
        String ip = JobsApi.randomIp();
        List<Response> responses = IntStream.range(0, 10)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> JobsApi.submit(user, JobsApi.video(), key, ip)))
                .toList().stream().map(CompletableFuture::join).toList();

        Set<String> ids = responses.stream().peek(r -> assertThat(r.statusCode()).isEqualTo(202))
                .map(r -> r.jsonPath().getString("id")).collect(Collectors.toSet());
        assertThat(ids).hasSize(1);
        UUID job = UUID.fromString(ids.iterator().next());
        JobsApi.awaitStatus(user, job, "QUEUED");
        assertThat(TestSql.count(pool, "SELECT count(*) FROM jobs WHERE user_id = $1", user)).isEqualTo(1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> JobsApi.available(user) == 85);

        // The same key with another body is refused, not replayed.
        Map<String, Object> other = JobsApi.video();
        other.put("prompt", "something else");
        JobsApi.submit(user, other, key, ip).then().statusCode(409);
    }

    @Test
    void aJobLeftPendingPastTheSagaTimeoutIsAskedForAgain() {
        String user = JobsApi.newUser("stuck");
        UUID job = UUID.randomUUID();
        // A PENDING job whose JobRequested never left (as if lost before the outbox existed): only the sweep helps.
        TestSql.execute(pool, """
                INSERT INTO jobs (id, user_id, status, type, prompt, duration_seconds, resolution, aspect_ratio,
                                  quality, model, cost, priority, max_attempts, saga_requested_at)
                VALUES ($1, $2, 'PENDING', 'text_to_video', 'p', 5, '1080p', '16:9', 'high', 'standard', 15, 5, 3,
                        now() - interval '1 hour')
                """, job, user);
        await().atMost(SAGA_WAIT).until(() -> sagaSweep.runOnce().await().indefinitely() >= 0
                && "QUEUED".equals(JobsApi.status(user, job)));
        assertThat(JobsApi.available(user)).isEqualTo(85);
    }

    /**
     * Credits placed the hold but its answer never reached jobs (here: sent before the job row existed, so jobs
     * dropped it as another backend's). Past the saga deadline the job ends REJECTED instead of being asked about
     * forever, and the hold is voided.
     */
    @Test
    void aJobStillPendingPastTheSagaDeadlineIsRejectedAndAPlacedHoldVoided() {
        String user = JobsApi.newUser("deadline");
        UUID job = UUID.randomUUID();
        assertThat(JobsApi.available(user)).isEqualTo(100);
        given().baseUri(CreditsServiceResource.baseUrl())
                .header("Authorization", TestTokens.bearer("jobs-backend", "service"))
                .contentType(ContentType.JSON).body(Map.of("holdId", job.toString(), "userId", user, "amount", 15))
                .when().post("/credits/holds").then().statusCode(201);
        // A job of the same user held after it: once that one is QUEUED, jobs has consumed (and dropped) the
        // first answer, which came before it on the user's partition.
        UUID marker = JobsApi.submitted(user, JobsApi.video());
        JobsApi.awaitStatus(user, marker, "QUEUED");
        assertThat(JobsApi.available(user)).isEqualTo(70);
        TestSql.execute(pool, """
                INSERT INTO jobs (id, user_id, status, type, prompt, duration_seconds, resolution, aspect_ratio,
                                  quality, model, cost, priority, max_attempts, created_at, saga_requested_at)
                VALUES ($1, $2, 'PENDING', 'text_to_video', 'p', 5, '1080p', '16:9', 'high', 'standard', 15, 5, 3,
                        now() - interval '20 minutes', now() - interval '1 minute')
                """, job, user);

        sagaSweep.runOnce().await().atMost(SAGA_WAIT);
        assertThat(JobsApi.status(user, job)).isEqualTo("REJECTED");
        assertThat(JobsApi.job(user, job).jsonPath().getString("rejectionReason"))
                .startsWith("The charge was not confirmed within 10 minutes");
        await().atMost(SAGA_WAIT).until(() -> JobsApi.available(user) == 85);
        await().atMost(SAGA_WAIT).until(() -> TestSql.count(pool,
                "SELECT count(*) FROM jobs WHERE id = $1 AND charge_status = 'voided'", job) == 1);
        // Ended: the sweep leaves it alone from now on.
        sagaSweep.runOnce().await().atMost(SAGA_WAIT);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM jobs WHERE id = $1 AND status = 'REJECTED'"
                + " AND charge_status = 'voided'", job)).isEqualTo(1);
        assertThat(JobsApi.balance(user)).isEqualTo(100);
    }

    /**
     * A completed job captures its final price (the worker's {@code credits}, less than quoted: a shorter video) and
     * the rest of the hold comes back; a failed one voids its hold and ends REFUNDED. Neither leaves a charge and a
     * refund on the user's statement.
     */
    @Test
    void aCompletedJobCapturesItsFinalPrice_andAFailedOneVoidsItsHold() {
        JobsApi.drainQueue();
        String user = JobsApi.newUser("capture");
        UUID completed = JobsApi.submitted(user, JobsApi.video());
        UUID failed = JobsApi.submitted(user, JobsApi.video());
        JobsApi.awaitStatus(user, completed, "QUEUED");
        JobsApi.awaitStatus(user, failed, "QUEUED");
        assertThat(JobsApi.available(user)).isEqualTo(100 - 30);
        List<Map<String, Object>> claimed = JobsApi.claim(JobsApi.WORKER, 2, 60, 5);
        assertThat(claimed).extracting(JobsApi::idOf).containsExactlyInAnyOrder(completed, failed);
        Map<String, Object> first = claimed.stream().filter(c -> JobsApi.idOf(c).equals(completed)).findFirst().orElseThrow();
        Map<String, Object> second = claimed.stream().filter(c -> JobsApi.idOf(c).equals(failed)).findFirst().orElseThrow();

        JobsApi.report(JobsApi.WORKER, completed, "complete", Map.of("leaseToken", JobsApi.tokenOf(first),
                "resultUrl", "https://cdn/x.mp4", "credits", 16)).then().statusCode(422)
                .body("type", org.hamcrest.Matchers.endsWith("price-exceeds-hold"));
        JobsApi.report(JobsApi.WORKER, completed, "complete", Map.of("leaseToken", JobsApi.tokenOf(first),
                "resultUrl", "https://cdn/x.mp4", "credits", 9)).then().statusCode(200);
        JobsApi.fail(failed, JobsApi.tokenOf(second), false).then().statusCode(200);

        await().atMost(SAGA_WAIT).until(() -> "captured".equals(JobsApi.job(user, completed).jsonPath()
                .getString("chargeStatus")));
        JobsApi.awaitStatus(user, failed, "REFUNDED");
        assertThat(JobsApi.job(user, completed).jsonPath().getLong("capturedCredits")).isEqualTo(9);
        assertThat(JobsApi.job(user, failed).jsonPath().getString("chargeStatus")).isEqualTo("voided");
        assertThat(JobsApi.balance(user)).isEqualTo(100 - 9);
        assertThat(JobsApi.available(user)).isEqualTo(100 - 9);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM job_history WHERE job_id = $1 AND detail = $2",
                completed, "charged 9 of the 15 credits held; 6 released")).isEqualTo(1);

        // An operator sees the user's jobs, and one job with its whole history and who ran it.
        JsonPath listed = admin("/jobs/admin/users/" + user + "/jobs").then().statusCode(200).extract().jsonPath();
        assertThat(listed.getList("jobs.id", String.class))
                .containsExactlyInAnyOrder(completed.toString(), failed.toString());
        JsonPath detail = admin("/jobs/admin/jobs/" + completed).then().statusCode(200).extract().jsonPath();
        assertThat(detail.getString("job.chargeStatus")).isEqualTo("captured");
        assertThat(detail.getString("operator.leaseOwner")).isNull();
        assertThat(detail.getList("history.detail", String.class)).last()
                .isEqualTo("charged 9 of the 15 credits held; 6 released");
        admin("/jobs/admin/users/" + JobsApi.newUser("never-submitted") + "/jobs").then().statusCode(404);
        admin("/jobs/admin/jobs/" + UUID.randomUUID()).then().statusCode(404);
        given().header("Authorization", TestTokens.bearer(user, "user")).when().get("/jobs/admin/jobs/" + completed)
                .then().statusCode(403);
    }

    /**
     * An operator refunds a completed job (the result was unusable): credits gives the captured price back once, however
     * many times the refund is asked for at once, and the job stays COMPLETED with its charge REFUNDED. A running job,
     * a support agent and an empty reason are refused and change nothing.
     */
    @Test
    void anOperatorRefundsACompletedJobsCaptureOnce_andNothingElseIsRefundable() {
        JobsApi.drainQueue();
        String user = JobsApi.newUser("operator-refund");
        UUID completed = JobsApi.submitted(user, JobsApi.video());
        UUID running = JobsApi.submitted(user, JobsApi.video());
        JobsApi.awaitStatus(user, completed, "QUEUED");
        JobsApi.awaitStatus(user, running, "QUEUED");
        List<Map<String, Object>> claimed = JobsApi.claim(JobsApi.WORKER, 2, 60, 5);
        assertThat(claimed).extracting(JobsApi::idOf).containsExactlyInAnyOrder(completed, running);
        Map<String, Object> done = claimed.stream().filter(c -> JobsApi.idOf(c).equals(completed)).findFirst().orElseThrow();
        Map<String, Object> busy = claimed.stream().filter(c -> JobsApi.idOf(c).equals(running)).findFirst().orElseThrow();
        JobsApi.report(JobsApi.WORKER, completed, "complete", Map.of("leaseToken", JobsApi.tokenOf(done),
                "resultUrl", "https://cdn/garbled.mp4", "credits", 9)).then().statusCode(200);
        await().atMost(SAGA_WAIT).until(() -> "captured".equals(JobsApi.job(user, completed).jsonPath()
                .getString("chargeStatus")));
        assertThat(JobsApi.balance(user)).isEqualTo(100 - 9);

        operatorRefund(running, "ops-admin", "admin", "render looked wrong").then().statusCode(409)
                .body("type", org.hamcrest.Matchers.endsWith("job-not-refundable"));
        operatorRefund(completed, "ops-support", "support", "render looked wrong").then().statusCode(403);
        operatorRefund(completed, "ops-admin", "admin", " ").then().statusCode(400);
        operatorRefund(UUID.randomUUID(), "ops-admin", "admin", "render looked wrong").then().statusCode(404);
        assertThat(JobsApi.job(user, completed).jsonPath().getString("chargeStatus")).isEqualTo("captured");

        // A double click, a resend, two operators at once: one refund.
        List<Integer> answers = IntStream.range(0, 5).mapToObj(i -> CompletableFuture.supplyAsync(() ->
                        operatorRefund(completed, "ops-admin", "admin", "the result was garbled").statusCode()))
                .toList().stream().map(CompletableFuture::join).toList();
        assertThat(answers).containsOnly(202);
        await().atMost(SAGA_WAIT).until(() -> "refunded".equals(JobsApi.job(user, completed).jsonPath()
                .getString("chargeStatus")));
        JsonPath refunded = JobsApi.job(user, completed).jsonPath();
        assertThat(refunded.getString("status")).as("the job keeps its result").isEqualTo("COMPLETED");
        assertThat(refunded.getString("holdId")).isEqualTo(completed.toString());
        assertThat(JobsApi.balance(user)).as("the 9 captured came back, once").isEqualTo(100);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM job_history WHERE job_id = $1 AND detail = $2",
                completed, "refund asked for by ops-admin: the result was garbled")).isEqualTo(1);
        JsonPath detail = admin("/jobs/admin/jobs/" + completed).then().statusCode(200).extract().jsonPath();
        assertThat(detail.getString("job.chargeStatus")).isEqualTo("refunded");

        JobsApi.fail(running, JobsApi.tokenOf(busy), false).then().statusCode(200);
        JobsApi.awaitStatus(user, running, "REFUNDED");
        assertThat(JobsApi.available(user)).isEqualTo(100);
    }

    private static Response operatorRefund(UUID job, String operator, String role, String reason) {
        return given().header("Authorization", TestTokens.bearer(operator, role)).contentType(ContentType.JSON)
                .body(Map.of("reason", reason)).when().post("/jobs/admin/jobs/" + job + "/refund");
    }

    private static Response admin(String path) {
        return given().header("Authorization", TestTokens.bearer("ops-admin", "admin")).when().get(path);
    }

    /**
     * The job completed, but credits has no hold to capture (here: a job row from before this saga, marked held by
     * hand). credits refuses and says so: the job keeps its result, its history says why, and the saga stops asking.
     */
    @Test
    void aCaptureCreditsRefusesEndsTheSagaInsteadOfAskingForever() {
        JobsApi.drainQueue();
        String user = JobsApi.newUser("capture-refused");
        UUID job = UUID.randomUUID();
        TestSql.execute(pool, """
                INSERT INTO jobs (id, user_id, status, type, prompt, duration_seconds, resolution, aspect_ratio,
                                  quality, model, cost, priority, max_attempts, charge_status, next_run_at, queued_at)
                VALUES ($1, $2, 'QUEUED', 'text_to_video', 'p', 5, '1080p', '16:9', 'high', 'standard', 15, 5, 3,
                        'held', now(), now())
                """, job, user);
        List<Map<String, Object>> claimed = JobsApi.claim(JobsApi.WORKER, 1, 60, 5);
        assertThat(claimed).extracting(JobsApi::idOf).containsExactly(job);
        JobsApi.complete(job, JobsApi.tokenOf(claimed.get(0))).then().statusCode(200);

        await().atMost(SAGA_WAIT).until(() -> TestSql.count(pool,
                "SELECT count(*) FROM jobs WHERE id = $1 AND status = 'COMPLETED' AND charge_status = 'capture_refused'",
                job) == 1);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM job_history WHERE job_id = $1 AND detail LIKE $2",
                job, "capture refused by credits: Hold % does not exist")).isEqualTo(1);
        TestSql.execute(pool, "UPDATE jobs SET saga_requested_at = now() - interval '1 hour' WHERE id = $1", job);
        sagaSweep.runOnce().await().atMost(SAGA_WAIT);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM jobs WHERE id = $1"
                + " AND saga_requested_at < now() - interval '59 minutes'", job))
                .as("the sweep asks credits nothing more (asking again would stamp saga_requested_at)").isEqualTo(1);
    }

    @Test
    void aRedeliveredAnswerChangesNothing_andAnAnswerAboutAnotherBackendsJobLeavesNoTrace() {
        String user = JobsApi.newUser("redelivered");
        UUID job = pendingJob(user);
        UUID marker = pendingJob(user);
        String answerId = UUID.randomUUID().toString();
        String foreignAnswerId = UUID.randomUUID().toString();

        // The same answer five times at once, and one about a job this service never held (key = user, so all of
        // them share a partition and are consumed before the marker's answer sent last).
        List<CompletableFuture<Void>> sends = IntStream.range(0, 5)
                .mapToObj(i -> CompletableFuture.runAsync(() -> sendHeld(answerId, job, user)))
                .toList();
        sendHeld(foreignAnswerId, UUID.randomUUID(), user);
        sends.forEach(CompletableFuture::join);
        sendHeld(UUID.randomUUID().toString(), marker, user);
        JobsApi.awaitStatus(user, marker, "QUEUED");

        assertThat(JobsApi.status(user, job)).isEqualTo("QUEUED");
        assertThat(TestSql.count(pool, "SELECT count(*) FROM job_history WHERE job_id = $1 AND status = 'QUEUED'",
                job)).isEqualTo(1);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM inbox WHERE event_id = $1", answerId)).isEqualTo(1);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM inbox WHERE event_id = $1", foreignAnswerId))
                .isZero();
    }

    /** A job waiting for its hold whose request was just sent (so the saga sweep leaves it alone). */
    private UUID pendingJob(String user) {
        UUID job = UUID.randomUUID();
        TestSql.execute(pool, """
                INSERT INTO jobs (id, user_id, status, type, prompt, duration_seconds, resolution, aspect_ratio,
                                  quality, model, cost, priority, max_attempts, saga_requested_at)
                VALUES ($1, $2, 'PENDING', 'text_to_video', 'p', 5, '1080p', '16:9', 'high', 'standard', 15, 5, 3,
                        now())
                """, job, user);
        return job;
    }

    private static void sendHeld(String eventId, UUID job, String user) {
        String data = "{\"holdId\":\"" + job + "\",\"userId\":\"" + user + "\",\"amount\":15,\"reference\":\"job:"
                + job + "\",\"expiresAt\":\"2030-01-01T00:00:00Z\",\"availableAfter\":85,\"heldAfter\":15,"
                + "\"transactionId\":\"" + UUID.randomUUID() + "\"}";
        TestKafka.send(Topics.CREDITS, null, user, data,
                TestKafka.cloudEventHeaders(eventId, EventTypes.CREDITS_HELD.name()));
    }

    private static List<String> typesOf(TopicReader reader, String user) {
        return reader.withKey(user).stream().map(r -> TestKafka.header(r, CloudEventHeaders.TYPE)).toList();
    }
}
