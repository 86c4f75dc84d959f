package io.tally.jobs;

import static io.restassured.RestAssured.given;
import static io.tally.jobs.JobsApi.SAGA_WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Flow 2 and 3: claims, leases, retries, failures and their refunds, cancellation. */
@QuarkusTest
class WorkerProtocolTest {

    @Inject
    Pool pool;

    @BeforeEach
    void emptyQueue() {
        JobsApi.drainQueue();
    }

    /** Submits {@code count} videos for the user and waits until the saga has queued them all. */
    private List<UUID> queuedJobsOf(String user, int count) {
        List<UUID> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            jobs.add(JobsApi.submitted(user, JobsApi.video()));
        }
        await().atMost(SAGA_WAIT).until(() -> TestSql.count(pool,
                "SELECT count(*) FROM jobs WHERE user_id = $1 AND status = 'QUEUED'", user) == count);
        return jobs;
    }

    @Test
    void twentyConcurrentWorkersNeverReceiveTheSameJob() {
        List<UUID> jobs = new ArrayList<>();
        for (int u = 0; u < 10; u++) {
            jobs.addAll(queuedJobsOf(JobsApi.newUser("fleet"), 4));
        }
        List<UUID> received = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture.allOf(IntStream.range(0, 20).mapToObj(w -> CompletableFuture.runAsync(() -> {
            List<Map<String, Object>> claimed;
            do {
                claimed = JobsApi.claim("worker-" + w, 2, 60, 0);
                claimed.forEach(c -> {
                    received.add(JobsApi.idOf(c));
                    JobsApi.complete(JobsApi.idOf(c), JobsApi.tokenOf(c)).then().statusCode(200);
                });
            } while (!claimed.isEmpty());
        })).toArray(CompletableFuture[]::new)).join();

        assertThat(received).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(jobs);
    }

    @Test
    void theQueueReportCountsEachMinutesEndingsApart() {
        String user = JobsApi.newUser("chart");
        List<UUID> jobs = queuedJobsOf(user, 2);
        long[] before = finishedLastHour();
        List<Map<String, Object>> claimed = JobsApi.claim("chart-worker", 2, 60, 0);
        assertThat(claimed).extracting(JobsApi::idOf).containsExactlyInAnyOrderElementsOf(jobs);
        JobsApi.complete(JobsApi.idOf(claimed.get(0)), JobsApi.tokenOf(claimed.get(0))).then().statusCode(200);
        JobsApi.fail(JobsApi.idOf(claimed.get(1)), JobsApi.tokenOf(claimed.get(1)), false).then().statusCode(200);

        long[] after = finishedLastHour();
        assertThat(after[0] - before[0]).as("completed").isEqualTo(1);
        assertThat(after[1] - before[1]).as("ended otherwise").isEqualTo(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theQueueReportNamesTheWorkersHoldingLeasesAndTheirJobs() {
        String user = JobsApi.newUser("leases");
        List<UUID> jobs = queuedJobsOf(user, 2);
        String worker = "render-node-" + UUID.randomUUID();
        List<Map<String, Object>> claimed = JobsApi.claim(worker, 2, 5, 0);
        assertThat(claimed).extracting(JobsApi::idOf).containsExactlyInAnyOrderElementsOf(jobs);

        Map<String, Object> report = queueReport();
        assertThat((List<Map<String, Object>>) report.get("workers")).filteredOn(w -> worker.equals(w.get("worker")))
                .singleElement().satisfies(w -> {
                    assertThat(((Number) w.get("running")).longValue()).isEqualTo(2);
                    assertThat(((Number) w.get("lapsed")).longValue()).isZero();
                    assertThat(w.get("nextExpiry")).isNotNull();
                });
        // The queue was drained before the test: no other lease lapses before these two 5-second ones.
        assertThat((List<Map<String, Object>>) report.get("soonestLeases"))
                .filteredOn(l -> worker.equals(l.get("worker")))
                .extracting(l -> UUID.fromString((String) l.get("jobId")))
                .containsExactlyInAnyOrderElementsOf(jobs);
        assertThat((List<Map<String, Object>>) report.get("soonestLeases")).allSatisfy(
                l -> assertThat(l).doesNotContainKey("leaseToken"));

        claimed.forEach(c -> JobsApi.complete(JobsApi.idOf(c), JobsApi.tokenOf(c)).then().statusCode(200));
        assertThat((List<Map<String, Object>>) queueReport().get("workers")).as("no lease held, not listed")
                .noneMatch(w -> worker.equals(w.get("worker")));
        assertThat(queueReport().get("averageRunSeconds")).as("the two runs ended within the hour").isNotNull();
    }

    private static Map<String, Object> queueReport() {
        return given().header("Authorization", TestTokens.bearer("ops", "support"))
                .when().get("/jobs/admin/queue").then().statusCode(200).extract().jsonPath().getMap("$");
    }

    /** The queue report's minutes of the last hour, summed: {completed, ended otherwise}. */
    private static long[] finishedLastHour() {
        List<Map<String, Object>> minutes = given().header("Authorization", TestTokens.bearer("ops", "support"))
                .when().get("/jobs/admin/queue").then().statusCode(200).extract().path("finishedPerMinute");
        return new long[] {
                minutes.stream().mapToLong(m -> ((Number) m.get("completed")).longValue()).sum(),
                minutes.stream().mapToLong(m -> ((Number) m.get("other")).longValue()).sum()};
    }

    @Test
    void anExpiredLeaseCountsAsAFailedAttempt_theJobRetriesAndSucceeds() {
        String user = JobsApi.newUser("lease");
        UUID job = JobsApi.submitted(user, JobsApi.video());
        JobsApi.awaitStatus(user, job, "QUEUED");
        Map<String, Object> first = JobsApi.claim("dying-worker", 1, 5, 0).get(0);
        assertThat(JobsApi.idOf(first)).isEqualTo(job);

        // The worker dies; after 5 s the sweep takes the lease back and the backoff (≤ 1 s in tests) passes.
        await().atMost(SAGA_WAIT).until(() -> "RETRYING".equals(JobsApi.status(user, job)));
        assertThat(JobsApi.job(user, job).jsonPath().getString("error")).startsWith("lease expired")
                .doesNotContain("dying-worker"); // which worker is the platform's business
        Map<String, Object> second = await().atMost(SAGA_WAIT).until(() -> JobsApi.claim("healthy-worker", 1, 60, 1),
                list -> !list.isEmpty()).get(0);
        assertThat(JobsApi.idOf(second)).isEqualTo(job);

        // The dead worker's token is stale now.
        JobsApi.heartbeat(job, JobsApi.tokenOf(first), 50).then().statusCode(409);
        JobsApi.complete(job, JobsApi.tokenOf(first)).then().statusCode(409);
        JobsApi.heartbeat(job, JobsApi.tokenOf(second), 50).then().statusCode(200);
        JobsApi.complete(job, JobsApi.tokenOf(second)).then().statusCode(200);
        var done = JobsApi.job(user, job).jsonPath();
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        assertThat(done.getInt("attempts")).isEqualTo(2);
        assertThat(done.getInt("progress")).isEqualTo(100);
        await().atMost(SAGA_WAIT).until(() -> JobsApi.balance(user) == 85); // the hold captured
        assertThat(JobsApi.available(user)).isEqualTo(85);
        // What the platform paid its model provider, and who ran the job, are not the user's to see. (The cost as a
        // JSON value, ":0.42": a timestamp such as "…04:34:40.42452Z" holds "0.42" too.)
        assertThat(JobsApi.job(user, job).asString()).doesNotContain("providerCost", "providerName", "providerJobId",
                ":0.42", "test-model", "healthy-worker", "dying-worker");
    }

    @Test
    void usingUpTheAttemptsFailsTheJobAndRefundsItOnce() {
        String user = JobsApi.newUser("fails");
        UUID job = JobsApi.submitted(user, JobsApi.video());
        JobsApi.awaitStatus(user, job, "QUEUED");
        for (int attempt = 1; attempt <= 3; attempt++) {
            Map<String, Object> claimed = await().atMost(SAGA_WAIT)
                    .until(() -> JobsApi.claim(JobsApi.WORKER, 1, 60, 1), list -> !list.isEmpty()).get(0);
            assertThat(JobsApi.idOf(claimed)).isEqualTo(job);
            JobsApi.fail(job, JobsApi.tokenOf(claimed), true).then().statusCode(200);
        }
        JobsApi.awaitStatus(user, job, "REFUNDED");
        assertThat(JobsApi.job(user, job).jsonPath().getInt("attempts")).isEqualTo(3);
        assertThat(JobsApi.available(user)).isEqualTo(100);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM job_history WHERE job_id = $1 AND status = 'REFUNDED'",
                job)).isEqualTo(1);
    }

    @Test
    void aNonRetryableFailureEndsTheJobAtOnceAndRefundsIt() {
        String user = JobsApi.newUser("fatal");
        UUID job = JobsApi.submitted(user, JobsApi.video());
        JobsApi.awaitStatus(user, job, "QUEUED");
        Map<String, Object> claimed = JobsApi.claim(JobsApi.WORKER, 1, 60, 0).get(0);
        JobsApi.fail(job, JobsApi.tokenOf(claimed), false).then().statusCode(200);
        JobsApi.awaitStatus(user, job, "REFUNDED");
        assertThat(JobsApi.job(user, job).jsonPath().getInt("attempts")).isEqualTo(1);
        assertThat(JobsApi.available(user)).isEqualTo(100);
    }

    @Test
    void cancellingARunningJobReachesTheWorkerOnItsNextHeartbeat() {
        String user = JobsApi.newUser("cancel-running");
        UUID job = JobsApi.submitted(user, JobsApi.video());
        JobsApi.awaitStatus(user, job, "QUEUED");
        Map<String, Object> claimed = JobsApi.claim(JobsApi.WORKER, 1, 60, 0).get(0);
        JobsApi.userPost(user, "/jobs/" + job + "/cancel").then().statusCode(200);
        assertThat(JobsApi.status(user, job)).isEqualTo("PROCESSING");

        var answer = JobsApi.heartbeat(job, JobsApi.tokenOf(claimed), 40).then().statusCode(200).extract().jsonPath();
        assertThat(answer.getBoolean("cancelRequested")).isTrue();
        JobsApi.complete(job, JobsApi.tokenOf(claimed)).then().statusCode(409);
        JobsApi.awaitStatus(user, job, "REFUNDED");
        assertThat(JobsApi.available(user)).isEqualTo(100);
    }

    @Test
    void aCancelRacingAClaimEndsConsistentAndRefundedOnce() {
        String user = JobsApi.newUser("race");
        List<UUID> jobs = queuedJobsOf(user, 6);
        List<Map<String, Object>> claimed = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> racers = new ArrayList<>();
        jobs.forEach(job -> racers.add(CompletableFuture.runAsync(() ->
                JobsApi.userPost(user, "/jobs/" + job + "/cancel").then().statusCode(200))));
        racers.add(CompletableFuture.runAsync(() -> claimed.addAll(JobsApi.claim(JobsApi.WORKER, 6, 60, 0))));
        CompletableFuture.allOf(racers.toArray(CompletableFuture[]::new)).join();

        // Whatever the worker got before the cancel is told to stop on its heartbeat; the rest never ran.
        claimed.forEach(c -> JobsApi.heartbeat(JobsApi.idOf(c), JobsApi.tokenOf(c), 10).then().statusCode(200));
        await().atMost(SAGA_WAIT).until(() -> TestSql.count(pool,
                "SELECT count(*) FROM jobs WHERE user_id = $1 AND status = 'REFUNDED'", user) == 6);
        assertThat(JobsApi.available(user)).isEqualTo(100);
        assertThat(TestSql.count(pool, """
                SELECT count(*) FROM job_history h JOIN jobs j ON j.id = h.job_id
                 WHERE j.user_id = $1 AND h.status = 'CANCELLED'""", user)).isEqualTo(6);
    }

    /**
     * A fleet's reports arrive together and share transactions (group commit), yet each answers for itself: of two
     * completions racing for one job exactly one wins, a report with a stale token is refused, and the rest commit.
     */
    @Test
    void racingReportsShareTransactionsYetEachJobCompletesExactlyOnce() {
        List<UUID> jobs = new ArrayList<>();
        for (int u = 0; u < 5; u++) {
            jobs.addAll(queuedJobsOf(JobsApi.newUser("racing-reports"), 4));
        }
        List<Map<String, Object>> claimed = new ArrayList<>();
        await().atMost(SAGA_WAIT).until(() -> {
            for (Map<String, Object> c : JobsApi.claim(JobsApi.WORKER, 20, 60, 0)) {
                if (jobs.contains(JobsApi.idOf(c))) {
                    claimed.add(c);
                } else { // another test's retry that came due: not part of this race
                    JobsApi.complete(JobsApi.idOf(c), JobsApi.tokenOf(c));
                }
            }
            return claimed.size() == jobs.size();
        });

        Map<UUID, List<Integer>> completions = new java.util.concurrent.ConcurrentHashMap<>();
        List<Integer> staleHeartbeats = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> reports = new ArrayList<>();
        for (Map<String, Object> c : claimed) {
            UUID job = JobsApi.idOf(c);
            for (int twice = 0; twice < 2; twice++) {
                reports.add(CompletableFuture.runAsync(() -> completions.computeIfAbsent(job,
                                id -> Collections.synchronizedList(new ArrayList<>()))
                        .add(JobsApi.complete(job, JobsApi.tokenOf(c)).statusCode())));
            }
            reports.add(CompletableFuture.runAsync(() -> staleHeartbeats.add(
                    JobsApi.heartbeat(job, UUID.randomUUID().toString(), 50).statusCode())));
        }
        CompletableFuture.allOf(reports.toArray(CompletableFuture[]::new)).join();

        assertThat(completions).hasSize(jobs.size());
        completions.forEach((job, statuses) -> assertThat(statuses).as("completions of %s", job)
                .containsExactlyInAnyOrder(200, 409));
        assertThat(staleHeartbeats).hasSize(jobs.size()).containsOnly(409);
        for (UUID job : jobs) {
            assertThat(TestSql.count(pool, "SELECT count(*) FROM jobs WHERE id = $1 AND status = 'COMPLETED'", job))
                    .isEqualTo(1);
            assertThat(TestSql.count(pool,
                    "SELECT count(*) FROM job_history WHERE job_id = $1 AND status = 'COMPLETED' AND detail IS NULL",
                    job)).as("one completion (the capture's entry that follows says what was charged)").isEqualTo(1);
        }
    }

    /**
     * Claims one at a time until the worker holds {@code count} of {@code jobs} (in claim order); another test's retry
     * that comes due in between is completed out of the way.
     */
    private static List<Map<String, Object>> claimedOf(List<UUID> jobs, int count) {
        List<Map<String, Object>> claimed = new ArrayList<>();
        await().atMost(SAGA_WAIT).until(() -> {
            for (Map<String, Object> c : JobsApi.claim(JobsApi.WORKER, 1, 60, 0)) {
                if (jobs.contains(JobsApi.idOf(c))) {
                    claimed.add(c);
                } else {
                    JobsApi.complete(JobsApi.idOf(c), JobsApi.tokenOf(c));
                }
            }
            return claimed.size() == count;
        });
        return claimed;
    }

    private static Map<String, Object> done(Object token, UUID job) {
        return Map.of("leaseToken", token, "resultUrl", "https://cdn.example.com/" + job + ".mp4");
    }

    /**
     * One call completes and fails several leases and claims the next jobs. Each report answers for itself: a stale
     * lease is refused beside the reports that commit, and of a completion and a failure of the same job, in that
     * order, the failure finds the job completed.
     */
    @Test
    void oneReportsCallCompletesAndFailsManyLeasesThenClaimsTheNext() {
        String user = JobsApi.newUser("reports");
        List<UUID> jobs = queuedJobsOf(user, 5);
        List<Map<String, Object>> claimed = claimedOf(jobs, 3);
        UUID completed = JobsApi.idOf(claimed.get(0));
        UUID stale = JobsApi.idOf(claimed.get(1));
        UUID failed = JobsApi.idOf(claimed.get(2));
        Map<String, Object> complete = new java.util.LinkedHashMap<>();
        complete.put(completed.toString(), done(JobsApi.tokenOf(claimed.get(0)), completed));
        complete.put(stale.toString(), done(UUID.randomUUID(), stale));
        Map<String, Object> fail = new java.util.LinkedHashMap<>();
        fail.put(failed.toString(), Map.of("leaseToken", JobsApi.tokenOf(claimed.get(2)), "error", "model crashed",
                "retryable", false));
        fail.put(completed.toString(), Map.of("leaseToken", JobsApi.tokenOf(claimed.get(0)), "error", "too late"));

        var answer = JobsApi.reports(JobsApi.WORKER, Map.of("complete", complete, "fail", fail,
                        "claim", Map.of("limit", 5, "leaseSeconds", 60, "waitSeconds", 0)))
                .then().statusCode(200).extract().jsonPath();

        assertThat(answer.getString("complete.'" + completed + "'.status")).isEqualTo("COMPLETED");
        assertThat(answer.getInt("complete.'" + stale + "'.problem.status")).isEqualTo(409);
        assertThat(answer.getString("complete.'" + stale + "'.problem.type")).endsWith("/lease-lost");
        assertThat(answer.getString("complete.'" + stale + "'.problem.jobStatus")).isEqualTo("PROCESSING");
        assertThat(answer.getString("fail.'" + failed + "'.status")).isEqualTo("FAILED");
        assertThat(answer.getInt("fail.'" + completed + "'.problem.status")).isEqualTo(409);
        assertThat(answer.getString("fail.'" + completed + "'.problem.jobStatus")).isEqualTo("COMPLETED");
        // The claim ran after the reports committed: the user's two waiting jobs, not the ones just reported.
        List<UUID> next = answer.<Map<String, Object>>getList("jobs").stream().map(JobsApi::idOf)
                .filter(jobs::contains).toList();
        assertThat(next).containsExactlyInAnyOrderElementsOf(jobs.subList(0, 5).stream()
                .filter(id -> !List.of(completed, stale, failed).contains(id)).toList());
        assertThat(answer.getString("claimProblem")).isNull();

        assertThat(JobsApi.status(user, completed)).isEqualTo("COMPLETED");
        assertThat(JobsApi.status(user, stale)).isEqualTo("PROCESSING");
        JobsApi.awaitStatus(user, failed, "REFUNDED");
        assertThat(TestSql.count(pool,
                "SELECT count(*) FROM job_history WHERE job_id = $1 AND status = 'COMPLETED' AND detail IS NULL",
                completed)).as("one completion (the capture's entry that follows says what was charged)").isEqualTo(1);
        // 5 × 15 held at first: one captured, one voided, three still held.
        await().atMost(SAGA_WAIT).until(() -> JobsApi.balance(user) == 85 && JobsApi.available(user) == 40);
    }

    /** A reports call that is wrong anywhere is refused whole: the leases it names are untouched. */
    @Test
    void aReportsCallWithAnyBadPartChangesNothing() {
        String user = JobsApi.newUser("bad-reports");
        List<UUID> jobs = queuedJobsOf(user, 1);
        Map<String, Object> claimed = claimedOf(jobs, 1).get(0);
        UUID job = JobsApi.idOf(claimed);
        Map<String, Object> good = Map.of(job.toString(), done(JobsApi.tokenOf(claimed), job));

        var badClaim = JobsApi.reports(JobsApi.WORKER, Map.of("complete", good, "claim", Map.of("limit", 1000)))
                .then().statusCode(400).extract().jsonPath();
        assertThat(badClaim.getString("errors[0].field")).isEqualTo("claim.limit");
        var noResult = JobsApi.reports(JobsApi.WORKER, Map.of("complete",
                        Map.of(job.toString(), Map.of("leaseToken", JobsApi.tokenOf(claimed)))))
                .then().statusCode(400).extract().jsonPath();
        assertThat(noResult.getString("errors[0].field")).startsWith("complete").endsWith("resultUrl");
        JobsApi.reports(JobsApi.WORKER, Map.of("complete", Map.of("not-a-job-id", done(JobsApi.tokenOf(claimed), job))))
                .then().statusCode(400).contentType("application/problem+json");
        Map<String, Object> tooMany = new java.util.HashMap<>(good);
        IntStream.range(0, 100).forEach(i -> {
            UUID other = UUID.randomUUID();
            tooMany.put(other.toString(), done(UUID.randomUUID(), other));
        });
        JobsApi.reports(JobsApi.WORKER, Map.of("complete", tooMany)).then().statusCode(400);
        assertThat(JobsApi.status(user, job)).isEqualTo("PROCESSING");

        JobsApi.reports(JobsApi.WORKER, Map.of("complete", good)).then().statusCode(200);
        assertThat(JobsApi.status(user, job)).isEqualTo("COMPLETED");
    }
}
