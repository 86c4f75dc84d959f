package io.tally.jobs.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.TestSql;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The plans of jobs' reads that must stay index probes, whatever plan PostgreSQL keeps for a prepared statement. A
 * page of a user's jobs starts where the cursor points: the keyset comparison must be an index condition of the
 * generic plan too, or every page reads the user's list from its newest job down to the cursor. A job's history is
 * read by its primary key, the only index job_history's rows write into.
 */
@QuarkusTest
class JobQueryPlansTest {

    @Inject
    Pool pool;

    @Test
    void theListsCursorIsAnIndexConditionOfTheGenericPlan() {
        assertThat(indexConditions(JobRepository.LIST, "text, timestamptz, uuid, text, boolean, int",
                "'someone', now(), gen_random_uuid(), NULL, false, 20"))
                .anyMatch(condition -> condition.contains("ROW(created_at, id) < ROW($2, $3)"));
    }

    @Test
    void theBinsCursorIsAnIndexConditionOfTheGenericPlan() {
        assertThat(indexConditions(JobRepository.DELETED, "text, timestamptz, uuid, int",
                "'someone', now(), gen_random_uuid(), 20"))
                .anyMatch(condition -> condition.contains("ROW(deleted_at, id) < ROW($2, $3)"));
    }

    @Test
    void aJobsHistoryIsReadFromItsPrimaryKey_theOnlyIndexItsRowsWrite() {
        assertThat(indexConditions(JobRepository.HISTORY, "uuid, bigint", "gen_random_uuid(), 0"))
                .anyMatch(condition -> condition.contains("job_id = $1") && condition.contains("id > $2"));
        assertThat(TestSql.count(pool, "SELECT count(*) FROM pg_index WHERE indrelid = 'job_history'::regclass"))
                .isEqualTo(1);
        assertThat(TestSql.text(pool,
                "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'job_history'::regclass"))
                .contains("job_history_pkey").contains("(job_id, id)");
    }

    /** The "Index Cond" lines of the statement's generic plan (a filter line does not count). */
    private List<String> indexConditions(String sql, String parameterTypes, String arguments) {
        String name = "page_" + UUID.randomUUID().toString().replace("-", "");
        return pool.withTransaction(conn -> conn.query("SET LOCAL plan_cache_mode = force_generic_plan").execute()
                        // A test database's jobs table is small enough for a sequential scan to look cheaper.
                        .flatMap(ignored -> conn.query("SET LOCAL enable_seqscan = off").execute())
                        .flatMap(ignored -> conn.query("PREPARE " + name + " (" + parameterTypes + ") AS " + sql)
                                .execute())
                        .flatMap(ignored -> conn.query("EXPLAIN EXECUTE " + name + " (" + arguments + ")").execute())
                        .call(ignored -> conn.query("DEALLOCATE " + name).execute()))
                .map(rows -> StreamSupport.stream(rows.spliterator(), false)
                        .map((Row row) -> row.getString(0)).filter(line -> line.contains("Index Cond:")).toList())
                .await().atMost(Duration.ofSeconds(10));
    }
}
