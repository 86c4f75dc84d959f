package io.tally.common.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Transaction-scoped advisory locks: the way work that must run in one replica at a time (sweeps, janitors) elects
 * itself, and the way a check-then-insert (a per-user cap) is made race-free. The lock is released at commit or
 * rollback, so a crashed replica never keeps it, and no connection has to be held between runs. The outbox relay,
 * which runs back to back under load, holds its lock for a session instead ({@link #tryLockForSession}).
 */
public final class AdvisoryLocks {

    private static final String TRY_FOR_TRANSACTION = "SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0))";
    private static final String TRY_FOR_SESSION = "SELECT pg_try_advisory_lock(hashtextextended($1, 0))";

    private AdvisoryLocks() {
    }

    /**
     * Waits for the named lock and holds it for the rest of the current transaction. Statements issued after it see
     * what every earlier holder committed (READ COMMITTED takes a new snapshot per statement), so a count checked
     * under the lock cannot be raced past. Bounded by the pool's lock_timeout like any lock.
     */
    public static Uni<Void> lockForTransaction(SqlConnection conn, String lockName) {
        return lockAllForTransaction(conn, List.of(lockName));
    }

    /**
     * {@link #lockForTransaction} for several names in one statement, taken in name order (duplicates once), so two
     * transactions locking overlapping sets cannot deadlock on them.
     */
    public static Uni<Void> lockAllForTransaction(SqlConnection conn, Collection<String> lockNames) {
        if (lockNames.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return conn.preparedQuery("""
                        SELECT pg_advisory_xact_lock(hashtextextended(name, 0))
                          FROM (SELECT DISTINCT name FROM unnest($1::text[]) AS name ORDER BY name) AS ordered""")
                .execute(Tuple.of(lockNames.toArray(String[]::new))).replaceWithVoid();
    }

    /**
     * The skeleton of work one replica does at a time (a sweep, a janitor, the relay): tries the named lock for the
     * rest of the current transaction and, if it got it, runs {@code work} in that transaction; if another replica
     * holds it, answers {@code otherwise} at once (that replica is doing the work now).
     */
    public static <T> Uni<T> ifAcquired(SqlConnection conn, String lockName, T otherwise, Supplier<Uni<T>> work) {
        return tryLockForTransaction(conn, lockName)
                .flatMap(acquired -> acquired ? work.get() : Uni.createFrom().item(otherwise));
    }

    /**
     * Tries to take the named lock for as long as this connection lives (or this replica already holds it), without
     * waiting. Only for a connection held outside the pool: one returned to the pool would keep the lock.
     */
    public static Uni<Boolean> tryLockForSession(SqlConnection conn, String lockName) {
        return tryLock(conn, TRY_FOR_SESSION, lockName);
    }

    /** Whether nobody holds the named lock now: taken and let go in one statement of its own. */
    public static Uni<Boolean> isFree(Pool pool, String lockName) {
        return tryLock(pool, TRY_FOR_TRANSACTION, lockName);
    }

    /** Tries to take the named lock for the rest of the current transaction, without waiting. */
    public static Uni<Boolean> tryLockForTransaction(SqlConnection conn, String lockName) {
        return tryLock(conn, TRY_FOR_TRANSACTION, lockName);
    }

    private static Uni<Boolean> tryLock(SqlClient client, String sql, String lockName) {
        return client.preparedQuery(sql).execute(Tuple.of(lockName)).map(rows -> rows.iterator().next().getBoolean(0));
    }
}
