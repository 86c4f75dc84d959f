package io.tally.credits.ledger;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.AdvisoryLocks;
import io.tally.common.db.ScheduledPass;
import io.tally.common.outbox.Transactions;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * A pass that turns what is past its expiry into ledger operations, batch after batch until none is due. One replica
 * runs it at a time: the run holds an advisory lock in a transaction of its own while the ledger batches it submits
 * commit in theirs. The operations' keys are what make an expiry happen once, though: a replica that lost the lock
 * mid-run, or an expiry racing a capture or a spend, is answered with a replay or a refusal, never a second posting.
 */
abstract class ExpiryPass implements ScheduledPass {

    private final Transactions transactions;
    private final LedgerBatchExecutor executor;
    private final String lockName;
    private final String dueQuery;

    /** @param dueQuery selects at most $1 rows past their expiry, the oldest first */
    ExpiryPass(Transactions transactions, LedgerBatchExecutor executor, String lockName, String dueQuery) {
        this.transactions = transactions;
        this.executor = executor;
        this.lockName = lockName;
        this.dueQuery = dueQuery;
    }

    /** The operation that expires one due row. */
    abstract LedgerOperation expiryOf(Row due);

    abstract int batchSize();

    /** Expires what is due; returns how many expiries it applied (0 when another replica holds the pass). */
    @Override
    public Uni<Integer> runOnce() {
        return transactions.write(conn -> AdvisoryLocks.ifAcquired(conn, lockName, 0, () -> expireFrom(conn, 0)));
    }

    private Uni<Integer> expireFrom(SqlConnection conn, int expiredSoFar) {
        int batch = batchSize();
        return conn.preparedQuery(dueQuery).execute(Tuple.of(batch)).flatMap(rows -> {
            List<Submitted> expiries = new ArrayList<>(rows.size());
            rows.forEach(row -> expiries.add(Submitted.fromApi(expiryOf(row))));
            if (expiries.isEmpty()) {
                return Uni.createFrom().item(expiredSoFar);
            }
            return executor.execute(expiries).flatMap(results -> {
                long applied = results.stream().filter(r -> r.status() == OperationResult.Status.APPLIED).count();
                int total = expiredSoFar + (int) applied;
                // A full batch of which something applied: more may be due. (None applied: they were settled
                // meanwhile, and the next run reads them no more.)
                return expiries.size() == batch && applied > 0 ? expireFrom(conn, total)
                        : Uni.createFrom().item(total);
            });
        });
    }
}
