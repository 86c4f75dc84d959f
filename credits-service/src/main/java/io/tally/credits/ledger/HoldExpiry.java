package io.tally.credits.ledger;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.ScheduledPass;
import io.tally.credits.config.CreditsConfig;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Releases holds that outlived their expiry: each becomes an {@link LedgerOperation.ExpireHold}, a ledger
 * transaction like any settlement. Every replica may run it: a hold's settlement has one key, so a hold expired
 * twice, or captured while it expires, is settled once (the other answer is a replay or a refusal).
 */
@ApplicationScoped
public class HoldExpiry implements ScheduledPass {

    private static final String EXPIRED = """
            SELECT id, user_id FROM holds
             WHERE status = 'held' AND expires_at <= now()
             ORDER BY expires_at
             LIMIT $1
            """;

    private final Pool pool;
    private final LedgerBatchExecutor executor;
    private final CreditsConfig config;

    public HoldExpiry(Pool pool, LedgerBatchExecutor executor, CreditsConfig config) {
        this.pool = pool;
        this.executor = executor;
        this.config = config;
    }

    @Override
    public Schedule schedule() {
        return new Schedule("Hold expiry", config.holds().expiryEvery(), Duration.ofSeconds(15));
    }

    /** Expires holds batch after batch until none is due; returns how many it released. */
    @Override
    public Uni<Integer> runOnce() {
        return expireFrom(0);
    }

    private Uni<Integer> expireFrom(int expiredSoFar) {
        int batch = config.holds().expiryBatchSize();
        return pool.preparedQuery(EXPIRED).execute(Tuple.of(batch)).flatMap(rows -> {
            List<Submitted> expiries = new ArrayList<>(rows.size());
            rows.forEach(row -> expiries.add(Submitted.fromApi(
                    new LedgerOperation.ExpireHold(row.getUUID("id"), row.getString("user_id")))));
            if (expiries.isEmpty()) {
                return Uni.createFrom().item(expiredSoFar);
            }
            return executor.execute(expiries).flatMap(results -> {
                long applied = results.stream().filter(r -> r.status() == OperationResult.Status.APPLIED).count();
                int total = expiredSoFar + (int) applied;
                // A full batch of which something applied: more may be due. (None applied: they were settled
                // meanwhile, and the next run reads them no more.)
                return expiries.size() == batch && applied > 0 ? expireFrom(total) : Uni.createFrom().item(total);
            });
        });
    }
}
