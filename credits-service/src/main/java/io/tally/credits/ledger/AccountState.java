package io.tally.credits.ledger;

import io.vertx.mutiny.sqlclient.Row;

/** A locked account's balances while a batch applies operations to it in memory. */
final class AccountState {

    final String userId;
    /** Available: what the user can spend or hold now. */
    long balance;
    /** Reserved by open holds: owned by the user, not spendable until a hold is voided or expires. */
    long held;
    long earnings;
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
        state.earnings = row.getLong("earnings");
        state.debt = row.getLong("debt");
        state.purchased = row.getLong("total_purchased");
        state.spent = row.getLong("total_spent");
        state.gifted = row.getLong("total_gifted");
        state.received = row.getLong("total_received");
        return state;
    }
}
