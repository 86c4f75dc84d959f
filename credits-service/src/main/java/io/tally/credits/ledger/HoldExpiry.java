package io.tally.credits.ledger;

import io.tally.common.outbox.Transactions;
import io.tally.credits.config.CreditsConfig;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Releases holds that outlived their expiry: each becomes an {@link LedgerOperation.ExpireHold}, a ledger
 * transaction like any settlement. A hold's settlement has one key, so a hold expired while it is captured is
 * settled once (the other answer is a replay or a refusal).
 */
// A singleton, not application-scoped: a client proxy would need a no-args constructor the pass has no use for.
@Singleton
public class HoldExpiry extends ExpiryPass {

    private static final String DUE = """
            SELECT id, user_id FROM holds
             WHERE status = 'held' AND expires_at <= now()
             ORDER BY expires_at
             LIMIT $1
            """;

    private final CreditsConfig config;

    public HoldExpiry(Transactions transactions, LedgerBatchExecutor executor, CreditsConfig config) {
        super(transactions, executor, "credits.hold-expiry", DUE);
        this.config = config;
    }

    @Override
    public Schedule schedule() {
        return new Schedule("Hold expiry", config.holds().expiryEvery(), Duration.ofSeconds(15));
    }

    @Override
    LedgerOperation expiryOf(Row due) {
        return new LedgerOperation.ExpireHold(due.getUUID("id"), due.getString("user_id"));
    }

    @Override
    int batchSize() {
        return config.holds().expiryBatchSize();
    }
}
