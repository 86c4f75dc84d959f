package io.tally.common.testing;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;

/** Blocking SQL for test assertions, over the service's own pool. */
public final class TestSql {

    private TestSql() {
    }

    public static long count(Pool pool, String sql, Object... args) {
        Row row = pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(Duration.ofSeconds(10))
                .iterator().next();
        return row.getLong(0);
    }

    public static String text(Pool pool, String sql, Object... args) {
        Row row = pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(Duration.ofSeconds(10))
                .iterator().next();
        return row.getString(0);
    }

    public static void execute(Pool pool, String sql, Object... args) {
        pool.preparedQuery(sql).execute(Tuple.from(args)).await().atMost(Duration.ofSeconds(10));
    }
}
