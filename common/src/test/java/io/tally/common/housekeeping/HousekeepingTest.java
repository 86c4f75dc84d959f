package io.tally.common.housekeeping;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.TestSql;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** One housekeeping pass keeps up with a backlog larger than its batch, and keeps what is still young. */
@QuarkusTest
class HousekeepingTest {

    @Inject
    Pool pool;

    @Inject
    Housekeeping housekeeping;

    @Test
    void aPassGoesOnBatchAfterBatchUntilTheBacklogIsGone_andLeavesRecentRows() {
        String consumer = "housekeeping-" + UUID.randomUUID();
        // 12,000 ids past the 14-day retention: more than two rounds of the default 5,000.
        TestSql.execute(pool, """
                INSERT INTO inbox (consumer, event_id, event_type, processed_at)
                SELECT $1, 'old-' || n, 'test.v1', now() - interval '15 days' FROM generate_series(1, 12000) AS n
                """, consumer);
        TestSql.execute(pool, """
                INSERT INTO inbox (consumer, event_id, event_type, processed_at)
                SELECT $1, 'young-' || n, 'test.v1', now() - interval '13 days' FROM generate_series(1, 10) AS n
                """, consumer);

        int removed = housekeeping.runOnce().await().indefinitely();

        assertThat(removed).isGreaterThanOrEqualTo(12_000);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM inbox WHERE consumer = $1 AND event_id LIKE 'old-%'",
                consumer)).isZero();
        assertThat(TestSql.count(pool, "SELECT count(*) FROM inbox WHERE consumer = $1 AND event_id LIKE 'young-%'",
                consumer)).isEqualTo(10);
    }
}
