package io.tally.bench;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs SQL as the bench role in its own schema (baseline set-up, catalogue reads). */
public final class Psql {

    private Psql() {
    }

    public static void execute(BenchContext context, String sql) throws Exception {
        run(context, sql);
    }

    /** The first column of the first row of {@code sql}'s answer, as a number. */
    public static long queryLong(BenchContext context, String sql) throws Exception {
        return run(context, sql).iterator().next().getLong(0);
    }

    /** Each row of {@code sql}'s answer as one line, its columns separated by " | ", after a line of column names. */
    public static List<String> lines(BenchContext context, String sql) throws Exception {
        RowSet<Row> rows = run(context, sql);
        List<String> lines = new ArrayList<>();
        lines.add(String.join(" | ", rows.columnsNames()));
        for (Row row : rows) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < row.size(); i++) {
                values.add(String.valueOf(row.getValue(i)));
            }
            lines.add(String.join(" | ", values));
        }
        return lines;
    }

    private static RowSet<Row> run(BenchContext context, String sql) throws Exception {
        Vertx vertx = Vertx.vertx();
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
                .connectingTo(new PgConnectOptions().setHost(context.dbHost()).setPort(context.dbPort())
                        .setDatabase(context.dbName()).setUser("tally_bench").setPassword("tally_bench")
                        .addProperty("search_path", "bench"))
                .using(vertx).build();
        try {
            // Simple-query protocol: a set-up script holds several statements.
            return pool.query(sql).execute().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        } finally {
            pool.close();
            vertx.close();
        }
    }
}
