-- Drift that is found stays found until it is repaired (ReconciliationJob), and repairing it leaves a record.

-- Every change to an account moves updated_at, whoever makes it and whatever the statement says: the periodic
-- reconciliation checks the accounts changed since its previous run, so a hand-written
-- UPDATE accounts SET balance = … is checked by the next run. Only the owner could disable this trigger; the hourly
-- full check covers that too.
CREATE FUNCTION accounts_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION accounts_touch();

-- An account's cached books set back to what its entries say (POST /credits/admin/accounts/{userId}/repair): the
-- entries are append-only and are the truth; the cache is derived from them. Append-only as well.
CREATE TABLE account_repairs (
    id              bigserial   PRIMARY KEY,
    user_id         text        NOT NULL,
    balance_before  bigint      NOT NULL,
    earnings_before bigint      NOT NULL,
    debt_before     bigint      NOT NULL,
    balance_after   bigint      NOT NULL,
    earnings_after  bigint      NOT NULL,
    debt_after      bigint      NOT NULL,
    reason          text        NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    repaired_by     text        NOT NULL,
    repaired_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_repairs_user ON account_repairs (user_id, repaired_at);
