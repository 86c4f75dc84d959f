package io.tally.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.SchemaRoles;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * I3 and I1 held by the database itself, whatever the code does: the role the service runs as may only read and
 * append ledger rows and cannot lift any lock; even the owner, which migrates, cannot change a ledger row; and
 * nobody can write a transaction whose entries do not sum to zero, or entries of a transaction that does not exist.
 * Each statement runs in a transaction that is rolled back, so nothing here stays in the ledger.
 */
@QuarkusTest
class LedgerImmutabilityTest {

    @BeforeEach
    void aLedgerWithRows() {
        CreditsApi.me(CreditsApi.newUser("immutable")).then().statusCode(200);
    }

    @Test
    void theRuntimeRoleMayNotChangeLedgerRows() {
        assertRefused(runtime(), "permission denied", "UPDATE ledger_entries SET amount = amount + 1");
        assertRefused(runtime(), "permission denied", "DELETE FROM ledger_entries");
        assertRefused(runtime(), "permission denied", "UPDATE ledger_transactions SET kind = 'refund'");
        assertRefused(runtime(), "permission denied", "TRUNCATE ledger_entries");
        assertRefused(runtime(), "permission denied", "TRUNCATE accounts");
        // Not the owner, it cannot give itself the rights back: the GRANT grants nothing, the UPDATE is refused.
        assertRefused(runtime(), "permission denied", "GRANT UPDATE, DELETE ON ledger_entries TO CURRENT_USER",
                "UPDATE ledger_entries SET amount = amount + 1");
    }

    @Test
    void theRuntimeRoleMayNotLiftTheLocks() {
        assertRefused(runtime(), "must be owner", "ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only");
        assertRefused(runtime(), "must be owner", "ALTER TABLE ledger_entries DISABLE TRIGGER ALL");
        assertRefused(runtime(), "must be owner", "DROP TRIGGER ledger_entries_balance ON ledger_entries");
        assertRefused(runtime(), "must be owner", "ALTER TABLE accounts ADD COLUMN bonus bigint");
        assertRefused(runtime(), "must be owner", "ALTER TABLE accounts DROP CONSTRAINT accounts_check");
        assertRefused(runtime(), "permission denied", """
                CREATE OR REPLACE FUNCTION ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql
                AS $$ BEGIN RETURN NEW; END $$""");
        assertRefused(runtime(), "permission denied", "CREATE TABLE shadow_ledger (amount bigint)");
        // Replication mode skips ordinary triggers: only a superuser may switch to it.
        assertRefused(runtime(), "permission denied", "SET session_replication_role = replica");
    }

    @Test
    void evenTheOwnerCannotChangeALedgerRow() {
        // The owner can give itself the rights back; the append-only trigger still refuses.
        assertRefused(owner(), "append-only", "GRANT UPDATE, DELETE ON ledger_entries TO CURRENT_USER",
                "UPDATE ledger_entries SET amount = amount + 1");
        assertRefused(owner(), "append-only", "GRANT UPDATE, DELETE ON ledger_entries TO CURRENT_USER",
                "DELETE FROM ledger_entries");
    }

    @Test
    void noRoleCanWriteATransactionThatDoesNotBalance() throws SQLException {
        String purchase = "purchases";
        // The control: the same transaction, balanced, is accepted (and rolled back).
        assertThat(inRolledBackTransaction(runtime(), transaction(100, -100L, purchase))).isTrue();

        assertRefused(runtime(), "does not balance", transaction(100, -99L, purchase));
        assertRefused(runtime(), "does not balance", transaction(100, null, purchase));
        assertRefused(owner(), "does not balance", transaction(100, null, purchase));
    }

    @Test
    void noRoleCanWriteEntriesOfATransactionThatDoesNotExist() throws SQLException {
        String[] purchase = transaction(100, -100L, "purchases");
        // The control: with its transaction row the entries are accepted (and rolled back); without it, refused.
        assertThat(inRolledBackTransaction(runtime(), purchase)).isTrue();

        assertRefused(runtime(), "does not exist", purchase[1]);
        assertRefused(owner(), "does not exist", purchase[1]);
        // Balanced entries of a real transaction do not let an orphan through in the same statement.
        String[] other = transaction(50, -50L, "purchases");
        assertRefused(runtime(), "does not exist", purchase[0], purchase[1] + ", " + other[1].substring(
                other[1].indexOf("VALUES ") + "VALUES ".length()));
    }

    /** A purchase-like ledger transaction: the user's spendable entry, and the system account's (when not null). */
    private static String[] transaction(long userAmount, Long systemAmount, String systemAccount) {
        UUID id = UUID.randomUUID();
        String entries = "('" + id + "', 'immutable-probe', NULL, 'spendable', " + userAmount + ", " + userAmount + ")"
                + (systemAmount == null ? ""
                : ", ('" + id + "', NULL, '" + systemAccount + "', 'system', " + systemAmount + ", NULL)");
        return new String[] {
                "INSERT INTO ledger_transactions (id, kind, idempotency_key, user_id, request_hash) VALUES ('" + id
                        + "', 'adjustment', 'probe:" + id + "', 'immutable-probe', 'probe')",
                "INSERT INTO ledger_entries (transaction_id, user_id, system_account, book, amount, balance_after) "
                        + "VALUES " + entries};
    }

    private static void assertRefused(Connection connection, String because, String... statements) {
        assertThatThrownBy(() -> inRolledBackTransaction(connection, statements))
                .as(String.join("; ", statements))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(because);
    }

    /** Runs the statements in one transaction and rolls it back; true when all of them ran. */
    private static boolean inRolledBackTransaction(Connection connection, String... statements) throws SQLException {
        try (connection; Statement sql = connection.createStatement()) {
            connection.setAutoCommit(false);
            try {
                for (String statement : statements) {
                    sql.execute(statement);
                }
                return true;
            } finally {
                connection.rollback();
            }
        }
    }

    private static Connection runtime() {
        return SchemaRoles.RUNTIME.jdbc();
    }

    private static Connection owner() {
        return SchemaRoles.OWNER.jdbc();
    }
}
