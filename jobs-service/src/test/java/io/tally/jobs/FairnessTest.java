package io.tally.jobs;

import static io.tally.jobs.JobsApi.SAGA_WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.TestSql;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** At equal priority, one user's burst must not starve everyone else, and nobody runs more than the bound. */
@QuarkusTest
class FairnessTest {

    @Inject
    Pool pool;

    @BeforeEach
    void emptyQueue() {
        JobsApi.drainQueue();
    }

    @Test
    void aLateUsersJobIsServedBeforeTheBulkOfAnEarlierBurst_andRunningJobsPerUserAreBounded() {
        String heavy = JobsApi.newUser("heavy");
        String light = JobsApi.newUser("light");
        Map<String, Object> cheap = JobsApi.video();
        cheap.put("resolution", "480p");
        cheap.put("quality", "standard");
        cheap.put("durationSeconds", 1); // 1 credit each
        for (int i = 0; i < 30; i++) {
            JobsApi.submitted(heavy, cheap);
        }
        await().atMost(SAGA_WAIT).until(() -> queued(heavy) == 30);
        List<UUID> lightJobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            lightJobs.add(JobsApi.submitted(light, cheap));
        }
        await().atMost(SAGA_WAIT).until(() -> queued(light) == 3);

        // One big claim: the heavy user is capped at 5 running, so the light user's jobs come in the same batch.
        List<Map<String, Object>> first = JobsApi.claim(JobsApi.WORKER, 10, 60, 0);
        assertThat(first.stream().map(JobsApi::idOf)).containsAll(lightJobs);
        assertThat(first).hasSize(5 + 3);
        assertThat(running(heavy)).isEqualTo(5);
        // The cap holds across claims too: nothing more for the heavy user until one of theirs finishes.
        assertThat(JobsApi.claim(JobsApi.WORKER, 10, 60, 0)).isEmpty();

        Map<String, Object> oneHeavy = first.stream().filter(c -> !lightJobs.contains(JobsApi.idOf(c))).findFirst()
                .orElseThrow();
        JobsApi.complete(JobsApi.idOf(oneHeavy), JobsApi.tokenOf(oneHeavy)).then().statusCode(200);
        List<Map<String, Object>> freed = JobsApi.claim(JobsApi.WORKER, 10, 60, 0);
        assertThat(freed).hasSize(1);

        // Interleaving without the cap: a newcomer's job goes ahead of the burst's remaining 24.
        String newcomer = JobsApi.newUser("newcomer");
        UUID late = JobsApi.submitted(newcomer, cheap);
        await().atMost(SAGA_WAIT).until(() -> queued(newcomer) == 1);
        first.forEach(c -> JobsApi.complete(JobsApi.idOf(c), JobsApi.tokenOf(c)));
        List<Map<String, Object>> next = JobsApi.claim(JobsApi.WORKER, 2, 60, 0);
        assertThat(next.stream().map(JobsApi::idOf)).contains(late);
        next.forEach(c -> JobsApi.complete(JobsApi.idOf(c), JobsApi.tokenOf(c)));
        // Every claimed job ends here: a lease left to expire would turn into a retry inside a later test's queue.
        freed.forEach(c -> JobsApi.complete(JobsApi.idOf(c), JobsApi.tokenOf(c)).then().statusCode(200));
    }

    private long queued(String user) {
        return TestSql.count(pool, "SELECT count(*) FROM jobs WHERE user_id = $1 AND status = 'QUEUED'", user);
    }

    private long running(String user) {
        return TestSql.count(pool, "SELECT count(*) FROM jobs WHERE user_id = $1 AND status = 'PROCESSING'", user);
    }
}
