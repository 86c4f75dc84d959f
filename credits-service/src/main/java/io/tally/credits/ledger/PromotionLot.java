package io.tally.credits.ledger;

import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One grant of promotional credits as a batch sees it, under its account's lock. {@code live}: not past its expiry by
 * the database's clock when the batch loaded it, the one clock every replica shares, so a lot the expiry pass took
 * back is never spent or refilled afterwards.
 */
final class PromotionLot {

    final UUID id;
    final String userId;
    final String campaign;
    final long amount;
    final OffsetDateTime expiresAt;
    final boolean live;
    long remaining;
    long expired;
    OffsetDateTime expiredAt;
    boolean changed;

    PromotionLot(UUID id, String userId, String campaign, long amount, long remaining, OffsetDateTime expiresAt,
                 boolean live) {
        this.id = id;
        this.userId = userId;
        this.campaign = campaign;
        this.amount = amount;
        this.remaining = remaining;
        this.expiresAt = expiresAt;
        this.live = live;
    }

    static PromotionLot from(Row row) {
        return new PromotionLot(row.getUUID("id"), row.getString("user_id"), row.getString("campaign"),
                row.getLong("amount"), row.getLong("remaining"), row.getOffsetDateTime("expires_at"),
                row.getBoolean("live"));
    }

    /** Spendable now: live and not used up. */
    boolean spendable() {
        return live && remaining > 0;
    }
}
