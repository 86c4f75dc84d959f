package io.tally.common.db;

import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The parameters of a columnar write, {@code ... FROM unnest($1::uuid[], $2::text[], ...)}: one array per column,
 * each filled from the same list of rows. A batch of any size is then one execution (a batch of single-row
 * statements pays a bind and an executor start-up per row), and no two arrays can disagree in length or order.
 *
 * <pre>{@code
 * Tuple params = Columns.of(rows)
 *         .add(NewRow::eventId, UUID[]::new)
 *         .add(NewRow::topic, String[]::new)
 *         .tuple();
 * }</pre>
 *
 * Parameters are numbered in the order they are added; {@link #scalar} puts one value shared by every row in its
 * place among the arrays.
 */
public final class Columns<R> {

    private final List<? extends R> rows;
    private final List<Object> parameters = new ArrayList<>();

    private Columns(List<? extends R> rows) {
        this.rows = rows;
    }

    public static <R> Columns<R> of(List<? extends R> rows) {
        return new Columns<>(rows);
    }

    /** The next parameter: {@code column} of every row, in row order, as the array type PostgreSQL expects. */
    public <V> Columns<R> add(Function<? super R, ? extends V> column, IntFunction<V[]> newArray) {
        V[] values = newArray.apply(rows.size());
        for (int i = 0; i < values.length; i++) {
            values[i] = column.apply(rows.get(i));
        }
        parameters.add(values);
        return this;
    }

    /** The next parameter: one value for the whole statement (a consumer name, a time, a limit). */
    public Columns<R> scalar(Object value) {
        parameters.add(value);
        return this;
    }

    public Tuple tuple() {
        return Tuple.tuple(parameters);
    }
}
