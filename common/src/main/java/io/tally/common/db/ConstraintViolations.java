package io.tally.common.db;

import io.vertx.pgclient.PgException;

/** Recognises the constraint failures a write path turns into a client's 409. */
public final class ConstraintViolations {

    private static final String UNIQUE = "23505";
    private static final String FOREIGN_KEY = "23503";

    private ConstraintViolations() {
    }

    public static boolean isUnique(Throwable failure) {
        return failure instanceof PgException pg && UNIQUE.equals(pg.getSqlState());
    }

    /** A unique violation of this one constraint (index) name. */
    public static boolean isUnique(Throwable failure, String constraint) {
        return isUnique(failure) && constraint.equals(((PgException) failure).getConstraint());
    }

    public static boolean isForeignKey(Throwable failure) {
        return failure instanceof PgException pg && FOREIGN_KEY.equals(pg.getSqlState());
    }
}
