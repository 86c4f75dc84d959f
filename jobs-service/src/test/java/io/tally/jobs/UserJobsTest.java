package io.tally.jobs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.tally.common.testing.TestTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A user's view: list, stats, cancel, soft delete and restore — and nobody else's jobs. */
@QuarkusTest
class UserJobsTest {

    @Test
    void cancellingAQueuedJobRefundsIt_andTheStatsShowIt() {
        String user = JobsApi.newUser("cancel");
        UUID job = JobsApi.submitted(user, JobsApi.video());
        JobsApi.awaitStatus(user, job, "QUEUED");
        JobsApi.userPost(user, "/jobs/" + job + "/cancel").then().statusCode(200);
        JobsApi.awaitStatus(user, job, "REFUNDED");
        // Cancelling again changes nothing; credits still refunded once.
        JobsApi.userPost(user, "/jobs/" + job + "/cancel").then().statusCode(200);
        assertThat(JobsApi.available(user)).isEqualTo(100);

        UUID kept = JobsApi.submitted(user, JobsApi.video());
        JobsApi.awaitStatus(user, kept, "QUEUED");
        JsonPath stats = get(user, "/jobs/stats");
        assertThat(stats.getLong("jobsByStatus.REFUNDED")).isEqualTo(1);
        assertThat(stats.getLong("jobsByStatus.QUEUED")).isEqualTo(1);
        assertThat(stats.getLong("creditsSpent")).as("a queued job holds its price; nothing is spent yet").isZero();
        assertThat(stats.getLong("creditsHeld")).isEqualTo(15);
        assertThat(stats.getLong("creditsRefunded")).isEqualTo(15);

        // A finished job cannot be cancelled into another state; a running one cannot be deleted.
        given().header("Authorization", TestTokens.bearer(user, "user")).when().delete("/jobs/" + kept)
                .then().statusCode(422).contentType("application/problem+json");
    }

    @Test
    void listsArePagedNewestFirst_filteredByStatus_andHideSoftDeletedJobsUntilAsked() {
        String user = JobsApi.newUser("list");
        List<UUID> jobs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            jobs.add(JobsApi.submitted(user, JobsApi.video()));
        }
        // Six charges of 15 fit in the 100-credit bonus; the seventh is rejected (answers arrive in order).
        UUID rejected = jobs.get(6);
        JobsApi.awaitStatus(user, rejected, "REJECTED");
        await().atMost(JobsApi.SAGA_WAIT).until(() -> jobs.subList(0, 6).stream()
                .allMatch(j -> JobsApi.status(user, j).equals("QUEUED")));

        JsonPath page1 = get(user, "/jobs?limit=3");
        assertThat(page1.getList("jobs.id")).containsExactly(ids(jobs, 6, 5, 4));
        JsonPath page2 = get(user, "/jobs?limit=3&cursor=" + page1.getString("nextCursor"));
        assertThat(page2.getList("jobs.id")).containsExactly(ids(jobs, 3, 2, 1));
        JsonPath page3 = get(user, "/jobs?limit=3&cursor=" + page2.getString("nextCursor"));
        assertThat(page3.getList("jobs.id")).containsExactly(ids(jobs, 0));
        assertThat(page3.getString("nextCursor")).isNull();
        assertThat(get(user, "/jobs?status=rejected").getList("jobs.id")).containsExactly(rejected.toString());

        given().header("Authorization", TestTokens.bearer(user, "user")).when().delete("/jobs/" + rejected)
                .then().statusCode(200);
        assertThat(get(user, "/jobs").getList("jobs.id")).doesNotContain(rejected.toString()).hasSize(6);
        assertThat(get(user, "/jobs?deleted=true").getList("jobs.id")).contains(rejected.toString()).hasSize(7);
        assertThat(JobsApi.job(user, rejected).jsonPath().getString("deletedAt")).isNotNull();

        JobsApi.userPost(user, "/jobs/" + rejected + "/restore").then().statusCode(200);
        assertThat(get(user, "/jobs").getList("jobs.id")).contains(rejected.toString()).hasSize(7);
        JobsApi.drainQueue();
    }

    @Test
    void theBinListsDeletedJobsMostRecentlyDeletedFirst_pagedAndWithoutTheRestored() {
        String user = JobsApi.newUser("bin");
        List<UUID> jobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            java.util.Map<String, Object> unaffordable = JobsApi.video();
            unaffordable.put("durationSeconds", 60);
            unaffordable.put("resolution", "4k");
            jobs.add(JobsApi.submitted(user, unaffordable));
        }
        jobs.forEach(job -> JobsApi.awaitStatus(user, job, "REJECTED"));
        for (int i : new int[] {1, 0, 2}) {
            given().header("Authorization", TestTokens.bearer(user, "user")).when().delete("/jobs/" + jobs.get(i))
                    .then().statusCode(200);
        }

        JsonPath first = get(user, "/jobs/deleted?limit=2");
        assertThat(first.getList("jobs.id")).containsExactly(ids(jobs, 2, 0));
        JsonPath rest = get(user, "/jobs/deleted?limit=2&cursor=" + first.getString("nextCursor"));
        assertThat(rest.getList("jobs.id")).containsExactly(ids(jobs, 1));
        assertThat(rest.getString("nextCursor")).isNull();

        JobsApi.userPost(user, "/jobs/" + jobs.get(0) + "/restore").then().statusCode(200);
        assertThat(get(user, "/jobs/deleted").getList("jobs.id")).containsExactly(ids(jobs, 2, 1));
        assertThat(get(JobsApi.newUser("someone-else"), "/jobs/deleted").getList("jobs")).isEmpty();
    }

    private static Object[] ids(List<UUID> jobs, int... indexes) {
        return java.util.Arrays.stream(indexes).mapToObj(i -> jobs.get(i).toString()).toArray();
    }

    @Test
    void anotherUsersJobIsNotFound_everywhere() {
        String owner = JobsApi.newUser("owner");
        String intruder = JobsApi.newUser("intruder");
        UUID job = JobsApi.submitted(owner, JobsApi.video());
        JobsApi.awaitStatus(owner, job, "QUEUED");

        JobsApi.job(intruder, job).then().statusCode(404).contentType("application/problem+json");
        JobsApi.userPost(intruder, "/jobs/" + job + "/cancel").then().statusCode(404);
        JobsApi.userPost(intruder, "/jobs/" + job + "/restore").then().statusCode(404);
        given().header("Authorization", TestTokens.bearer(intruder, "user")).when().delete("/jobs/" + job)
                .then().statusCode(404);
        given().header("Authorization", TestTokens.bearer(intruder, "user")).when().get("/jobs/" + job + "/events")
                .then().statusCode(404);
        assertThat(get(intruder, "/jobs").getList("jobs")).isEmpty();
        assertThat(JobsApi.status(owner, job)).isEqualTo("QUEUED");
    }

    private static JsonPath get(String user, String path) {
        return given().header("Authorization", TestTokens.bearer(user, "user")).when().get(path)
                .then().statusCode(200).extract().jsonPath();
    }
}
