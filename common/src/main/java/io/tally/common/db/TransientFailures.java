package io.tally.common.db;

import java.util.Set;

/**
 * Failures that say nothing about the work itself and succeed when simply tried again: lost or refused
 * connections, serialization failures and deadlocks, a server shutting down or overloaded. Consumers retry
 * them for as long as they last; request paths retry them a few times.
 */
public final class TransientFailures {

    private static final Set<String> SQL_STATES = Set.of("40001", "40P01", "55P03", "57P01", "57P02", "57P03",
            "53300");

    private TransientFailures() {
    }

    public static boolean is(Throwable failure) {
        if (failure instanceof io.vertx.pgclient.PgException pg) {
            String state = pg.getSqlState();
            return state != null && (state.startsWith("08") || SQL_STATES.contains(state));
        }
        return failure instanceof io.vertx.core.impl.NoStackTraceThrowable
                || failure instanceof java.net.ConnectException
                || failure instanceof io.vertx.core.VertxException
                || failure instanceof java.util.concurrent.TimeoutException;
    }
}
