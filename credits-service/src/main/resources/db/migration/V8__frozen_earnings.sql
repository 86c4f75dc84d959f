-- Clawbacks that follow the coins: when a purchase is reversed and its buyer no longer holds all of its credits, the
-- gifts the buyer sent since it was granted are what its coins became. The streamers' earnings those gifts produced
-- are frozen (held from payout: a user book of their own, frozen, cached in accounts.frozen) and the platform's fee
-- on them is reversed; only what neither covers becomes the buyer's debt.
ALTER TABLE accounts ADD COLUMN frozen bigint NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD CONSTRAINT accounts_frozen_not_negative CHECK (frozen >= 0);

ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_book_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_book_check
    CHECK (book IN ('spendable', 'promotional', 'earnings', 'frozen', 'debt', 'held', 'system'));

-- Which part of which gift a clawback attributed to the reversed purchase, so no gift is attributed twice (two
-- reversed purchases of one buyer). Written with the clawback, under the accounts' locks; append-only in practice.
CREATE TABLE gift_attributions (
    gift_id      uuid        NOT NULL,
    clawback_key text        NOT NULL,
    recipient_id text        NOT NULL,
    part         bigint      NOT NULL CHECK (part > 0),
    frozen       bigint      NOT NULL CHECK (frozen >= 0),
    fee_reversed bigint      NOT NULL CHECK (fee_reversed >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (gift_id, clawback_key)
);
CREATE INDEX gift_attributions_recipient ON gift_attributions (recipient_id, created_at DESC);

ALTER TABLE account_repairs ADD COLUMN frozen_before bigint NOT NULL DEFAULT 0;
ALTER TABLE account_repairs ADD COLUMN frozen_after bigint NOT NULL DEFAULT 0;
