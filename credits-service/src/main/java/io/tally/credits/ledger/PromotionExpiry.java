package io.tally.credits.ledger;

import io.tally.common.outbox.Transactions;
import io.tally.credits.config.CreditsConfig;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Takes back what is left of promotions past their expiry: each becomes an {@link LedgerOperation.ExpirePromotion}, a
 * ledger transaction (promotion:{id}:expiry, so once per promotion) and a {@code PromotionExpired} event. Credits of a
 * promotion are unspendable from the moment it expires, whether or not this pass has run yet.
 */
@Singleton
public class PromotionExpiry extends ExpiryPass {

    private static final String DUE = """
            SELECT id, user_id FROM promotions
             WHERE has_remaining AND expires_at <= now()
             ORDER BY expires_at
             LIMIT $1
            """;

    private final CreditsConfig config;

    public PromotionExpiry(Transactions transactions, LedgerBatchExecutor executor, CreditsConfig config) {
        super(transactions, executor, "credits.promotion-expiry", DUE);
        this.config = config;
    }

    @Override
    public Schedule schedule() {
        Duration every = config.promotions().expiryEvery();
        return new Schedule("Promotion expiry", every, every);
    }

    @Override
    LedgerOperation expiryOf(Row due) {
        return new LedgerOperation.ExpirePromotion(due.getUUID("id"), due.getString("user_id"));
    }

    @Override
    int batchSize() {
        return config.promotions().expiryBatchSize();
    }
}
