-- Promotional credits: granted for free (the signup bonus, a campaign), spent before any other credit, soonest-expiring
-- first, and taken back by the ledger when they expire. They sit on their own user book, promotional, cached in
-- accounts.promotional; what a user can spend now is accounts.balance (spendable: bought, refunded, adjusted) plus
-- accounts.promotional. Only the spendable book can be gifted or clawed back.
ALTER TABLE accounts ADD COLUMN promotional bigint NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD CONSTRAINT accounts_promotional_not_negative CHECK (promotional >= 0);

ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_book_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_book_check
    CHECK (book IN ('spendable', 'promotional', 'earnings', 'debt', 'held', 'system'));

ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check;
ALTER TABLE ledger_transactions ADD CONSTRAINT ledger_transactions_kind_check
    CHECK (kind IN ('signup_bonus', 'purchase', 'charge', 'refund', 'gift', 'clawback', 'debt_repayment',
                    'adjustment', 'debt_forgiveness', 'hold', 'hold_capture', 'hold_void', 'hold_expiry',
                    'promotion', 'promotion_expiry'));

-- One row per grant of promotional credits (a lot): what is left of it and when it expires. A user's promotional
-- book always equals the sum of their lots' remaining credits. Changed only under the account's lock, by the ledger
-- batch that moves the credits; the ledger's transactions stay the truth (a lot expires once: promotion:{id}:expiry).
CREATE TABLE promotions (
    id         uuid        PRIMARY KEY,
    user_id    text        NOT NULL,
    campaign   text        NOT NULL CHECK (campaign ~ '^[a-z0-9_-]{1,64}$'),
    amount     bigint      NOT NULL CHECK (amount > 0),
    remaining  bigint      NOT NULL CHECK (remaining >= 0),
    expired    bigint      NOT NULL DEFAULT 0 CHECK (expired >= 0),
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expired_at timestamptz,
    CHECK (remaining + expired <= amount),
    CHECK ((expired_at IS NULL) = (expired = 0))
);
-- What a batch loads for its users: lots still live, or past their expiry with credits left (not expired yet).
CREATE INDEX promotions_user ON promotions (user_id, expires_at);
-- What the expiry pass looks for.
CREATE INDEX promotions_expiring ON promotions (expires_at) WHERE remaining > 0;

-- A repair sets the promotional balance back to its entries too.
ALTER TABLE account_repairs ADD COLUMN promotional_before bigint NOT NULL DEFAULT 0;
ALTER TABLE account_repairs ADD COLUMN promotional_after bigint NOT NULL DEFAULT 0;
