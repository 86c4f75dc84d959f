package io.tally.common.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Transaction-scoped advisory locks: the way work that must run in one replica at a time (outbox relay,
 * sweeps, janitors) elects itself, and the way a check-then-insert (a per-user cap) is made race-free. The lock is
 * released at commit or rollback, so a crashed replica never keeps it, and no connection has to be held between runs.
 */
public final class AdvisoryLocks {

    private AdvisoryLocks() {
    }

    /**
     * Waits for the named lock and holds it for the rest of the current transaction. Statements issued after it see
     * what every earlier holder committed (READ COMMITTED takes a new snapshot per statement), so a count checked
     * under the lock cannot be raced past. Bounded by the pool's lock_timeout like any lock.
     */
    public static Uni<Void> lockForTransaction(SqlConnection conn, String lockName) {
        return conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .execute(Tuple.of(lockName)).replaceWithVoid();
    }

    /** Tries to take the named lock for the rest of the current transaction, without waiting. */
    public static Uni<Boolean> tryLockForTransaction(SqlConnection conn, String lockName) {
        return conn.preparedQuery("SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS acquired")
                .execute(Tuple.of(lockName))
                .map(rows -> rows.iterator().next().getBoolean("acquired"));
    }
}
