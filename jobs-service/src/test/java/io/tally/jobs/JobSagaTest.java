package io.tally.jobs;

import static io.restassured.RestAssured.given;
import static io.tally.jobs.JobsApi.SAGA_WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
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
    void aFundedJobIsChargedAndQueued_anUnaffordableOneIsRejectedWithTheReason() {
        String user = JobsApi.newUser("saga");
        Response submitted = JobsApi.submit(user, JobsApi.video());
        submitted.then().statusCode(202);
        assertThat(submitted.jsonPath().getString("status")).isEqualTo("PENDING");
        assertThat(submitted.jsonPath().getLong("cost")).isEqualTo(15);
        UUID queued = UUID.fromString(submitted.jsonPath().getString("id"));
        JobsApi.awaitStatus(user, queued, "QUEUED");
        assertThat(JobsApi.balance(user)).isEqualTo(100 - 15);

        Map<String, Object> expensive = JobsApi.video();
        expensive.put("durationSeconds", 60);
        expensive.put("resolution", "4k");
        expensive.put("model", "pro");
        UUID rejected = JobsApi.submitted(user, expensive);
        JobsApi.awaitStatus(user, rejected, "REJECTED");
        assertThat(JobsApi.job(user, rejected).jsonPath().getString("rejectionReason"))
                .isEqualTo("Insufficient credits: you have 85, this job needs 1080");
        assertThat(JobsApi.balance(user)).isEqualTo(85);

        try (TopicReader jobsTopic = new TopicReader(Topics.JOBS)) {
            await().atMost(SAGA_WAIT).until(() -> typesOf(jobsTopic, user).containsAll(
                    List.of(EventTypes.JOB_QUEUED.name(), EventTypes.JOB_REJECTED.name())));
            // One request each; the funded job queued, the other rejected for other backends to see; no refund
            // requested for a job never charged.
            assertThat(typesOf(jobsTopic, user)).containsExactlyInAnyOrder(EventTypes.JOB_REQUESTED.name(),
                    EventTypes.JOB_REQUESTED.name(), EventTypes.JOB_QUEUED.name(), EventTypes.JOB_REJECTED.name());
            assertThat(jobsTopic.withKey(user)).filteredOn(r -> EventTypes.JOB_REJECTED.name()
                            .equals(TestKafka.header(r, CloudEventHeaders.TYPE)))
                    .singleElement().satisfies(r -> assertThat(r.value())
                            .contains("\"reason\":\"insufficient_credits\"").contains("\"needed\":1080"));
        }
    }

    @Test
    void theSamePostTenTimesConcurrentlyWithOneKeyMakesOneJobAndOneCharge() {
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
                .until(() -> JobsApi.balance(user) == 85);

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
        assertThat(JobsApi.balance(user)).isEqualTo(85);
    }

    /**
     * Credits booked the charge but its answer never reached jobs (here: sent before the job row existed, so jobs
     * dropped it as another backend's). Past the saga deadline the job ends REJECTED instead of being asked about
     * forever, and the charge is returned.
     */
    @Test
    void aJobStillPendingPastTheSagaDeadlineIsRejectedAndACapturedChargeReturned() {
        String user = JobsApi.newUser("deadline");
        UUID job = UUID.randomUUID();
        assertThat(JobsApi.balance(user)).isEqualTo(100);
        given().baseUri(CreditsServiceResource.baseUrl())
                .header("Authorization", TestTokens.bearer("jobs-backend", "service"))
                .contentType(ContentType.JSON).body(Map.of("jobId", job.toString(), "userId", user, "amount", 15))
                .when().post("/credits/charges").then().statusCode(201);
        // A job of the same user charged after it: once that one is QUEUED, jobs has consumed (and dropped) the
        // first answer, which came before it on the user's partition.
        UUID marker = JobsApi.submitted(user, JobsApi.video());
        JobsApi.awaitStatus(user, marker, "QUEUED");
        assertThat(JobsApi.balance(user)).isEqualTo(70);
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
        await().atMost(SAGA_WAIT).until(() -> JobsApi.balance(user) == 85);
        await().atMost(SAGA_WAIT).until(() -> TestSql.count(pool,
                "SELECT count(*) FROM jobs WHERE id = $1 AND charge_status = 'refunded'", job) == 1);
        // Ended: the sweep leaves it alone from now on.
        sagaSweep.runOnce().await().atMost(SAGA_WAIT);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM jobs WHERE id = $1 AND status = 'REJECTED'"
                + " AND charge_status = 'refunded'", job)).isEqualTo(1);
    }

    /**
     * A backend refunded part of a job over REST; the job then fails and asks for the whole charge back. credits
     * refuses (the refund's key was used with another amount) and says so: the job keeps its charge, its history
     * says why, and the saga stops asking (reviews: ledger M1).
     */
    @Test
    void aRefundCreditsRefusesEndsTheSagaInsteadOfAskingForever() {
        JobsApi.drainQueue();
        String user = JobsApi.newUser("refund-refused");
        UUID job = JobsApi.submitted(user, JobsApi.video());
        JobsApi.awaitStatus(user, job, "QUEUED");
        given().baseUri(CreditsServiceResource.baseUrl())
                .header("Authorization", TestTokens.bearer("jobs-backend", "service"))
                .contentType(ContentType.JSON)
                .body(Map.of("jobId", job.toString(), "userId", user, "amount", 5, "reason", "goodwill"))
                .when().post("/credits/refunds").then().statusCode(201);
        List<Map<String, Object>> claimed = JobsApi.claim(JobsApi.WORKER, 1, 60, 5);
        assertThat(claimed).extracting(JobsApi::idOf).containsExactly(job);
        JobsApi.fail(job, JobsApi.tokenOf(claimed.get(0)), false).then().statusCode(200);

        await().atMost(SAGA_WAIT).until(() -> TestSql.count(pool,
                "SELECT count(*) FROM jobs WHERE id = $1 AND status = 'FAILED' AND charge_status = 'refund_refused'", job) == 1);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM job_history WHERE job_id = $1 AND detail = $2",
                job, "partly refunded: 5 of 15 credits")).isEqualTo(1);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM job_history WHERE job_id = $1 AND detail LIKE $2",
                job, "refund refused by credits: %already used with different parameters")).isEqualTo(1);
        assertThat(JobsApi.balance(user)).isEqualTo(100 - 15 + 5);
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
                .mapToObj(i -> CompletableFuture.runAsync(() -> sendCharged(answerId, job, user)))
                .toList();
        sendCharged(foreignAnswerId, UUID.randomUUID(), user);
        sends.forEach(CompletableFuture::join);
        sendCharged(UUID.randomUUID().toString(), marker, user);
        JobsApi.awaitStatus(user, marker, "QUEUED");

        assertThat(JobsApi.status(user, job)).isEqualTo("QUEUED");
        assertThat(TestSql.count(pool, "SELECT count(*) FROM job_history WHERE job_id = $1 AND status = 'QUEUED'",
                job)).isEqualTo(1);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM inbox WHERE event_id = $1", answerId)).isEqualTo(1);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM inbox WHERE event_id = $1", foreignAnswerId))
                .isZero();
    }

    /** A job waiting for its charge whose request was just sent (so the saga sweep leaves it alone). */
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

    private static void sendCharged(String eventId, UUID job, String user) {
        String data = "{\"jobId\":\"" + job + "\",\"userId\":\"" + user + "\",\"amount\":15,\"balanceAfter\":85,"
                + "\"transactionId\":\"" + UUID.randomUUID() + "\"}";
        TestKafka.send(Topics.CREDITS, null, user, data,
                TestKafka.cloudEventHeaders(eventId, EventTypes.CREDITS_CHARGED.name()));
    }

    private static List<String> typesOf(TopicReader reader, String user) {
        return reader.withKey(user).stream().map(r -> TestKafka.header(r, CloudEventHeaders.TYPE)).toList();
    }
}
