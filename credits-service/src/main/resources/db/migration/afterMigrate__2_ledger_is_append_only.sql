-- Runs after db/common's afterMigrate__1_runtime_grants.sql: the runtime role may only read and append ledger rows
-- and account repairs.
-- The append-only triggers (V1) refuse an UPDATE or DELETE from anyone; without the privilege the runtime role is
-- refused before a trigger is even reached, and it cannot disable the triggers (only the owner can).
REVOKE UPDATE, DELETE, TRUNCATE ON ledger_entries, ledger_transactions, account_repairs FROM ${runtime_role};
