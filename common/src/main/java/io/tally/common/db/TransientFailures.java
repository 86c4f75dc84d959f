package io.tally.common.db;

import io.vertx.pgclient.PgException;
import java.util.Set;

/**
 * Failures that say nothing about the work itself and succeed once the infrastructure is back: lost or refused
 * connections, serialization failures and deadlocks, a lock or statement timeout, a server shutting down, out of
 * disk, memory or connections, a read-only standby after a failover. Consumers retry them for as long as they last
 * (the event waits, it is not dead-lettered); request paths retry them a few times, then answer 503.
 *
 * <p>Decided by what the failure cannot be rather than by a list of what it can: every PostgreSQL error is
 * transient except those about the statement's own data (SQLSTATE classes below), which fail the same way however
 * often they are tried, and so are the only ones that make an event poison. A missing grant or table (42) counts as
 * transient: it is a deployment mistake that fails every event alike, and the events must wait for its repair
 * rather than all go to the dead-letter topic.
 */
public final class TransientFailures {

    /**
     * 21 cardinality, 22 data exception (a bad value, an encoding), 23 integrity constraint, 44 check option,
     * 54 program limit (a value too large), P0 raised by a function (the ledger's own triggers).
     */
    private static final Set<String> PERMANENT_CLASSES = Set.of("21", "22", "23", "44", "54", "P0");

    private TransientFailures() {
    }

    /**
     * Looks through wrappers too (a group commit hands a batch's failure to each caller inside another exception):
     * the first cause that is decidable decides.
     */
    public static boolean is(Throwable failure) {
        for (Throwable cause = failure, seen = null; cause != null && cause != seen; seen = cause, cause = cause.getCause()) {
            if (cause instanceof PgException pg) {
                String state = pg.getSqlState();
                return state != null && state.length() == 5 && !PERMANENT_CLASSES.contains(state.substring(0, 2));
            }
            if (isConnectionTrouble(cause)) {
                return true;
            }
        }
        return false;
    }

    /** No connection, a connection reset or closed under a statement (PostgreSQL crashed or restarted), a timeout. */
    private static boolean isConnectionTrouble(Throwable failure) {
        return failure instanceof io.vertx.core.impl.NoStackTraceThrowable
                || failure instanceof java.io.IOException
                || failure instanceof io.vertx.core.VertxException
                || failure instanceof java.util.concurrent.TimeoutException;
    }

    /** What a log line or a dead-letter reason should say about the failure: the SQLSTATE when there is one. */
    public static String describe(Throwable failure) {
        if (failure instanceof PgException pg) {
            return "SQLSTATE " + pg.getSqlState() + ": " + pg.getErrorMessage();
        }
        return failure.toString();
    }
}
