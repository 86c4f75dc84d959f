package io.tally.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.TestSql;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** I3: two independent locks on the ledger — the role's privileges and a trigger. */
@QuarkusTest
class LedgerImmutabilityTest {

    @Inject
    Pool pool;

    @Test
    void theServiceRoleMayNotUpdateOrDeleteLedgerRows() {
        CreditsApi.me(CreditsApi.newUser("immutable")).then().statusCode(200);

        assertThatThrownBy(() -> TestSql.execute(pool, "UPDATE ledger_entries SET amount = amount + 1"))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> TestSql.execute(pool, "DELETE FROM ledger_entries"))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> TestSql.execute(pool, "UPDATE ledger_transactions SET kind = 'refund'"))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> TestSql.execute(pool, "TRUNCATE ledger_entries"))
                .hasMessageContaining("permission denied");
    }

    @Test
    void evenWithTheRightsRegrantedTheDatabaseRefusesChanges() {
        CreditsApi.me(CreditsApi.newUser("immutable")).then().statusCode(200);
        long before = TestSql.count(pool, "SELECT coalesce(sum(amount), 0) FROM ledger_entries");
        // The owner can give itself the rights back; the trigger still refuses, in the same transaction.
        assertThatThrownBy(() -> pool.withTransaction(conn -> conn.query("GRANT UPDATE, DELETE ON ledger_entries TO CURRENT_USER").execute()
                        .chain(() -> conn.query("UPDATE ledger_entries SET amount = amount + 1").execute()))
                .await().indefinitely())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> pool.withTransaction(conn -> conn.query("GRANT UPDATE, DELETE ON ledger_entries TO CURRENT_USER").execute()
                        .chain(() -> conn.query("DELETE FROM ledger_entries").execute()))
                .await().indefinitely())
                .hasMessageContaining("append-only");
        assertThat(TestSql.count(pool, "SELECT coalesce(sum(amount), 0) FROM ledger_entries")).isEqualTo(before);
    }
}
