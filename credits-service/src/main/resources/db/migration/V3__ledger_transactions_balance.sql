-- The database, not only LedgerRepository, refuses a ledger transaction whose entries do not sum to zero.
-- Checked once per INSERT statement over the rows it added (a transition table), grouped by transaction: the
-- service writes all of a transaction's entries in one statement, and because every statement's rows must balance
-- per transaction, so does every transaction in total. One pass per statement instead of one deferred check per
-- row keeps a group commit of hundreds of charges at one aggregate.
CREATE FUNCTION ledger_transactions_balance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    unbalanced record;
BEGIN
    SELECT transaction_id, sum(amount) AS total INTO unbalanced
    FROM added_entries GROUP BY transaction_id HAVING sum(amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % does not balance: its entries sum to %, not 0',
            unbalanced.transaction_id, unbalanced.total USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_entries_balance AFTER INSERT ON ledger_entries
    REFERENCING NEW TABLE AS added_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_transactions_balance();
