package io.tally.credits.ledger;

import io.vertx.mutiny.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;

/** A locked account's balances while a batch applies operations to it in memory. */
final class AccountState {

    final String userId;
    /** The spendable book: bought, refunded or adjusted credits, the only ones that can be gifted or clawed back. */
    long balance;
    /** The promotional book: what is left of the account's promotions, expired ones included until the pass runs. */
    long promotional;
    /** The promotions still live or still to expire, soonest-expiring first (loaded under the account's lock). */
    final List<PromotionLot> lots = new ArrayList<>();
    /** Reserved by open holds: owned by the user, not spendable until a hold is voided or expires. */
    long held;
    long earnings;
    /** Earnings frozen by clawbacks (held from payout): produced by gifts of coins whose purchase was reversed. */
    long frozen;
    long debt;
    long purchased;
    long spent;
    long gifted;
    long received;
    boolean changed;

    AccountState(String userId) {
        this.userId = userId;
    }

    static AccountState from(Row row) {
        AccountState state = new AccountState(row.getString("user_id"));
        state.balance = row.getLong("balance");
        state.held = row.getLong("held");
        state.promotional = row.getLong("promotional");
        state.earnings = row.getLong("earnings");
        state.frozen = row.getLong("frozen");
        state.debt = row.getLong("debt");
        state.purchased = row.getLong("total_purchased");
        state.spent = row.getLong("total_spent");
        state.gifted = row.getLong("total_gifted");
        state.received = row.getLong("total_received");
        return state;
    }

    /** What the user can spend or hold now: spendable credits and live promotional ones. */
    long available() {
        return balance + livePromotional();
    }

    long livePromotional() {
        return lots.stream().filter(PromotionLot::spendable).mapToLong(lot -> lot.remaining).sum();
    }

    PromotionLot lot(java.util.UUID id) {
        return lots.stream().filter(lot -> lot.id.equals(id)).findFirst().orElse(null);
    }
}
