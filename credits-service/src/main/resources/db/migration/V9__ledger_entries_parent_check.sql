-- Every ledger entry belongs to a ledger transaction that exists. The foreign key checked that row by row, each entry
-- probing ledger_transactions and taking a KEY SHARE lock on its parent: ~9 µs of PostgreSQL per entry (EXPLAIN
-- ANALYZE of 600 entries, 2026-12-06), two or more per charge. The lock protected nothing, since a transaction can
-- be neither deleted nor truncated (the append-only triggers, V1 and afterMigrate__2). The balance trigger already
-- reads every statement's new entries once; it now also refuses entries whose transaction does not exist, with one
-- anti-join over the statement's distinct transactions, so the database still refuses an orphan entry itself.
CREATE OR REPLACE FUNCTION ledger_transactions_balance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    wrong record;
BEGIN
    SELECT added.transaction_id, added.total, parent.id IS NULL AS orphan INTO wrong
    FROM (SELECT transaction_id, sum(amount) AS total FROM added_entries GROUP BY transaction_id) added
    LEFT JOIN ledger_transactions parent ON parent.id = added.transaction_id
    WHERE added.total <> 0 OR parent.id IS NULL
    LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF wrong.orphan THEN
        RAISE EXCEPTION 'ledger entries name transaction %, which does not exist', wrong.transaction_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RAISE EXCEPTION 'ledger transaction % does not balance: its entries sum to %, not 0',
        wrong.transaction_id, wrong.total USING ERRCODE = 'check_violation';
END $$;

ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_transaction_id_fkey;
