package io.tally.credits;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.common.testing.TestSql;
import io.vertx.mutiny.sqlclient.Pool;

/** Reconciliation's checks for one user (other tests break other accounts' books on purpose). */
final class LedgerChecks {

    private LedgerChecks() {
    }

    /**
     * Every transaction of the user balances, each cached book equals its entries, and the promotional book equals what
     * is left of the user's promotions.
     */
    static void assertHealthy(Pool pool, String user) {
        assertThat(TestSql.count(pool, """
                SELECT count(*) FROM (SELECT e.transaction_id FROM ledger_entries e
                  JOIN ledger_transactions t ON t.id = e.transaction_id WHERE t.user_id = $1
                 GROUP BY e.transaction_id HAVING sum(e.amount) <> 0) unbalanced""", user)).isZero();
        assertThat(TestSql.count(pool, """
                SELECT count(*) FROM accounts a
                 CROSS JOIN LATERAL (
                        SELECT coalesce(sum(amount) FILTER (WHERE book = 'spendable'), 0) AS spendable,
                               coalesce(sum(amount) FILTER (WHERE book = 'promotional'), 0) AS promotional,
                               coalesce(sum(amount) FILTER (WHERE book = 'held'), 0) AS held,
                               coalesce(sum(amount) FILTER (WHERE book = 'earnings'), 0) AS earnings,
                               coalesce(sum(amount) FILTER (WHERE book = 'frozen'), 0) AS frozen
                          FROM ledger_entries WHERE user_id = a.user_id) e
                 CROSS JOIN LATERAL (SELECT coalesce(sum(remaining), 0) AS remaining FROM promotions
                                      WHERE user_id = a.user_id) p
                 WHERE a.user_id = $1 AND (a.balance <> e.spendable OR a.held <> e.held
                       OR a.promotional <> e.promotional OR a.promotional <> p.remaining
                       OR a.earnings <> e.earnings OR a.frozen <> e.frozen)""", user)).isZero();
    }
}
