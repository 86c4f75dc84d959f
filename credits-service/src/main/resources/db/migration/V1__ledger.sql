-- The credit ledger. Accounts cache balances; ledger entries are the truth and are never changed.
-- Signs: every transaction's entries sum to zero. A user has three books: spendable (= balance),
-- earnings (gift income) and debt (its entries sum to minus the debt). System accounts have only entries.

CREATE TABLE accounts (
    user_id         text        PRIMARY KEY CHECK (length(user_id) BETWEEN 1 AND 128),
    balance         bigint      NOT NULL DEFAULT 0,
    earnings        bigint      NOT NULL DEFAULT 0,
    debt            bigint      NOT NULL DEFAULT 0,
    total_purchased bigint      NOT NULL DEFAULT 0,
    total_spent     bigint      NOT NULL DEFAULT 0,
    total_gifted    bigint      NOT NULL DEFAULT 0,
    total_received  bigint      NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (balance >= 0 AND earnings >= 0 AND debt >= 0)
);
CREATE INDEX accounts_updated_at ON accounts (updated_at);

CREATE TABLE ledger_transactions (
    id              uuid        PRIMARY KEY,
    kind            text        NOT NULL CHECK (kind IN ('signup_bonus', 'purchase', 'charge', 'refund', 'gift',
                                                        'clawback', 'debt_repayment', 'adjustment')),
    -- The business idempotency key: job:{id}:charge, job:{id}:refund, payment:{id}:grant, …
    idempotency_key text        NOT NULL UNIQUE,
    reference       text,
    user_id         text        NOT NULL,
    -- Fingerprint of the request: the same key with another request is a conflict, not a replay.
    request_hash    text        NOT NULL,
    metadata        jsonb       NOT NULL DEFAULT '{}',
    -- What the operation answered, replayed verbatim for the same key.
    result          jsonb       NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_transactions_created_at ON ledger_transactions (created_at);

CREATE TABLE ledger_entries (
    id             bigserial   PRIMARY KEY,
    transaction_id uuid        NOT NULL REFERENCES ledger_transactions (id),
    user_id        text,
    system_account text        CHECK (system_account IN ('purchases', 'spend', 'bonus', 'platform_revenue',
                                                         'adjustments')),
    book           text        NOT NULL CHECK (book IN ('spendable', 'earnings', 'debt', 'system')),
    amount         bigint      NOT NULL CHECK (amount <> 0),
    balance_after  bigint,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((user_id IS NOT NULL AND system_account IS NULL AND book <> 'system' AND balance_after IS NOT NULL)
        OR (user_id IS NULL AND system_account IS NOT NULL AND book = 'system'))
);
CREATE INDEX ledger_entries_user ON ledger_entries (user_id, id) WHERE user_id IS NOT NULL;
CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id);

-- Append-only: corrections are new transactions, never edits.
CREATE FUNCTION ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_is_append_only();
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_is_append_only();

-- The service's own role (the owner) gives up the right to change the ledger as well. The foreign key check
-- from entries to transactions locks the parent row FOR KEY SHARE, which needs UPDATE on some column: the
-- role keeps it on the primary key only (and the trigger above refuses any UPDATE all the same).
REVOKE UPDATE, DELETE, TRUNCATE ON ledger_entries, ledger_transactions FROM CURRENT_USER;
GRANT UPDATE (id) ON ledger_transactions TO CURRENT_USER;

-- A refused charge is a decision too: a job's charge is decided once, so a late retry after a top-up
-- cannot charge a job that was already rejected.
CREATE TABLE charge_rejections (
    job_id     uuid        PRIMARY KEY,
    user_id    text        NOT NULL,
    amount     bigint      NOT NULL,
    needed     bigint      NOT NULL,
    available  bigint      NOT NULL,
    reason     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE gift_types (
    code       text    PRIMARY KEY CHECK (code ~ '^[a-z0-9_-]{1,40}$'),
    name       text    NOT NULL,
    cost       bigint  NOT NULL CHECK (cost > 0),
    active     boolean NOT NULL DEFAULT true,
    sort_order int     NOT NULL DEFAULT 0
);

INSERT INTO gift_types (code, name, cost, sort_order) VALUES
    ('rose', 'Rose', 1, 10),
    ('heart', 'Heart', 5, 20),
    ('star', 'Star', 10, 30),
    ('diamond', 'Diamond', 50, 40),
    ('crown', 'Crown', 100, 50),
    ('rocket', 'Rocket', 500, 60);
