package io.tally.common.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The arrays Columns builds are what PostgreSQL's unnest reads back: same rows, same order, nulls kept. */
@QuarkusTest
class ColumnsTest {

    record Row3(UUID id, String name, Long amount, OffsetDateTime at) {
    }

    @Inject
    Pool pool;

    @Test
    void unnestReadsBackEveryRowInOrder_withNullsAndTheSharedParameterInPlace() {
        OffsetDateTime t = OffsetDateTime.of(2026, 12, 5, 10, 0, 0, 0, ZoneOffset.UTC);
        List<Row3> rows = List.of(
                new Row3(UUID.randomUUID(), "first", 7L, t),
                new Row3(UUID.randomUUID(), null, null, t.plusSeconds(1)),
                new Row3(UUID.randomUUID(), "third", -3L, null));

        List<Row> read = new ArrayList<>();
        pool.preparedQuery("""
                        SELECT r.*, $3 AS label
                          FROM unnest($1::uuid[], $2::text[], $4::bigint[], $5::timestamptz[])
                               WITH ORDINALITY AS r(id, name, amount, at, position)
                         ORDER BY r.position""")
                .execute(Columns.of(rows)
                        .add(Row3::id, UUID[]::new)
                        .add(Row3::name, String[]::new)
                        .scalar("shared")
                        .add(Row3::amount, Long[]::new)
                        .add(Row3::at, OffsetDateTime[]::new)
                        .tuple())
                .await().indefinitely()
                .forEach(read::add);

        assertThat(read).hasSize(3);
        for (int i = 0; i < rows.size(); i++) {
            Row3 expected = rows.get(i);
            Row row = read.get(i);
            assertThat(row.getUUID("id")).isEqualTo(expected.id());
            assertThat(row.getString("name")).isEqualTo(expected.name());
            assertThat(row.getLong("amount")).isEqualTo(expected.amount());
            assertThat(row.getOffsetDateTime("at")).isEqualTo(expected.at());
            assertThat(row.getString("label")).isEqualTo("shared");
        }
    }

    @Test
    void anEmptyListGivesEmptyArrays() {
        long count = pool.preparedQuery("SELECT count(*) AS n FROM unnest($1::uuid[], $2::text[])")
                .execute(Columns.<Row3>of(List.of()).add(Row3::id, UUID[]::new).add(Row3::name, String[]::new)
                        .tuple())
                .await().indefinitely().iterator().next().getLong("n");
        assertThat(count).isZero();
    }
}
