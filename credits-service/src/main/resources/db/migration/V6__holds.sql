-- Credit holds (reserve, then capture, void or expiry). A hold moves credits from the user's spendable book to a
-- held book, both in the same account, so the ledger stays double-entry: available = accounts.balance, held =
-- accounts.held, and the balance a user owns is their sum. Settling a hold moves them out of held: to the spend
-- system account (captured) and back to spendable (released).
ALTER TABLE accounts ADD COLUMN held bigint NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD CONSTRAINT accounts_held_not_negative CHECK (held >= 0);

ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_book_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_book_check
    CHECK (book IN ('spendable', 'earnings', 'debt', 'held', 'system'));

ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check;
ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check
    CHECK (kind IN ('signup_bonus', 'purchase', 'charge', 'refund', 'gift', 'clawback', 'debt_repayment',
                    'adjustment', 'debt_forgiveness', 'hold', 'hold_capture', 'hold_void', 'hold_expiry'));

-- The state of each hold, for the expiry pass and the reads; the ledger's transactions are the truth (a hold's
-- settlement has the one key hold:{id}:settle, so it is captured, voided or expired at most once, never two).
CREATE TABLE holds (
    id          uuid        PRIMARY KEY,
    user_id     text        NOT NULL,
    amount      bigint      NOT NULL CHECK (amount > 0),
    reference   text,
    status      text        NOT NULL CHECK (status IN ('held', 'captured', 'voided', 'expired')),
    captured    bigint      NOT NULL DEFAULT 0 CHECK (captured >= 0 AND captured <= amount),
    expires_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    settled_at  timestamptz,
    CHECK ((status = 'held') = (settled_at IS NULL)),
    CHECK (status = 'captured' OR captured = 0)
);
CREATE INDEX holds_expiring ON holds (expires_at) WHERE status = 'held';
CREATE INDEX holds_user ON holds (user_id, created_at DESC);

-- A repair sets the held balance back to its entries too.
ALTER TABLE account_repairs ADD COLUMN held_before bigint NOT NULL DEFAULT 0;
ALTER TABLE account_repairs ADD COLUMN held_after bigint NOT NULL DEFAULT 0;
