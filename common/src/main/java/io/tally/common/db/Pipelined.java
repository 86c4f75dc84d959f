package io.tally.common.db;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;

/**
 * Statements on one connection that do not need each other's results, sent together: the connection pipelines
 * them (one round trip instead of one each) and PostgreSQL still runs them one after the other, in the order given
 * (each Uni is subscribed to, and so sent, in argument order). The first statement that fails fails the whole; in a
 * transaction the later ones then fail too, the transaction being aborted.
 */
public final class Pipelined {

    private Pipelined() {
    }

    /** Both statements, answering the second's result (a lock, then the query that needs it held). */
    public static <T> Uni<T> answeringSecond(Uni<?> first, Uni<T> second) {
        return Uni.combine().all().unis(first, second).with((ignored, result) -> result);
    }

    /** Statements whose results nobody reads (writes). */
    public static Uni<Void> inOrder(Uni<?> first, Uni<?> second, Uni<?>... more) {
        List<Uni<?>> all = new ArrayList<>(2 + more.length);
        all.add(first);
        all.add(second);
        all.addAll(List.of(more));
        return Uni.combine().all().unis(all).discardItems();
    }
}
