package io.tally.jobs.job;

import io.smallrye.mutiny.Uni;

/**
 * Statements of one transaction that do not need each other's results, sent together: the connection pipelines
 * them (one round trip instead of one each) and PostgreSQL still runs them one after the other, in the order given.
 * The first statement that fails fails the whole (the later ones then fail too, the transaction being aborted).
 */
public final class Pipelined {

    private Pipelined() {
    }

    /** Both statements, answering the second's result (a lock, then the query that needs it held). */
    public static <T> Uni<T> inOrder(Uni<?> first, Uni<T> second) {
        return Uni.combine().all().unis(first, second).with((ignored, result) -> result);
    }

    public static Uni<Void> inOrder(Uni<?> first, Uni<?> second, Uni<?> third) {
        return Uni.combine().all().unis(first, second, third).discardItems();
    }
}
