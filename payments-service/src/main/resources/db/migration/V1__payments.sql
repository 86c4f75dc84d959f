-- Credit packages, payments with their transition history, and the webhook log.
-- The legal payment transitions live in PaymentStatus.java; the CHECKs here only keep values in range.

CREATE TABLE packages (
    code             text        PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
    name             text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    credits          bigint      NOT NULL CHECK (credits > 0),
    bonus_credits    bigint      NOT NULL DEFAULT 0 CHECK (bonus_credits >= 0),
    -- The price actually charged, in the currency's minor units (satang, cents); 0 is a free package.
    price_minor      bigint      NOT NULL CHECK (price_minor >= 0),
    currency         text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- For display only ("10 % off"): the price above already includes it.
    discount_percent int         NOT NULL DEFAULT 0 CHECK (discount_percent BETWEEN 0 AND 100),
    active           boolean     NOT NULL DEFAULT true,
    sort_order       int         NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE payments (
    id                  uuid        PRIMARY KEY,
    -- What the client hands to the provider (Stripe metadata, Apple appAccountToken…); a UUID, not the id.
    reference           uuid        NOT NULL UNIQUE,
    user_id             text        NOT NULL,
    -- ON DELETE RESTRICT: a package that was ever sold can never be deleted, only deactivated.
    package_code        text        NOT NULL REFERENCES packages (code) ON DELETE RESTRICT,
    provider            text        NOT NULL CHECK (provider IN ('free', 'stripe', 'promptpay', 'truemoney', 'apple', 'google')),
    status              text        NOT NULL CHECK (status IN ('pending', 'confirmed', 'failed', 'expired', 'refunded',
                                                               'charged_back')),
    -- Fixed at checkout: later catalogue changes never alter a payment.
    credits             bigint      NOT NULL CHECK (credits > 0),
    amount_minor        bigint      NOT NULL CHECK (amount_minor >= 0),
    currency            text        NOT NULL,
    provider_payment_id text,
    -- How many times the payment was confirmed (a won dispute confirms it again); credits grants once per cycle.
    cycle               int         NOT NULL DEFAULT 0 CHECK (cycle >= 0),
    credited_cycle      int         NOT NULL DEFAULT 0,
    clawed_back_cycle   int         NOT NULL DEFAULT 0,
    status_reason       text,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    expires_at          timestamptz NOT NULL,
    confirmed_at        timestamptz,
    reversed_at         timestamptz,
    credited_at         timestamptz,
    UNIQUE (provider, provider_payment_id)
);
CREATE INDEX payments_by_user ON payments (user_id, created_at DESC, id DESC);
CREATE INDEX payments_pending_expiry ON payments (expires_at) WHERE status = 'pending';
CREATE INDEX payments_uncredited ON payments (confirmed_at) WHERE status = 'confirmed' AND credited_cycle < cycle;
CREATE INDEX payments_unclawed ON payments (reversed_at)
    WHERE status IN ('refunded', 'charged_back') AND clawed_back_cycle < cycle;
-- A free package (the trial) can be claimed once per user.
CREATE UNIQUE INDEX payments_one_free_claim ON payments (user_id, package_code) WHERE amount_minor = 0;

-- Every transition a payment was asked to make, applied or refused (illegal transitions are kept, not applied).
CREATE TABLE payment_transitions (
    id          bigserial   PRIMARY KEY,
    payment_id  uuid        NOT NULL REFERENCES payments (id),
    from_status text        NOT NULL,
    to_status   text        NOT NULL,
    applied     boolean     NOT NULL,
    cycle       int         NOT NULL,
    source      text        NOT NULL,
    detail      text,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_transitions_by_payment ON payment_transitions (payment_id, id);

-- Every webhook delivery, whatever became of it.
CREATE TABLE webhook_deliveries (
    id              bigserial   PRIMARY KEY,
    provider        text        NOT NULL,
    event_id        text,
    event_type      text,
    payment_id      uuid,
    signature_valid boolean     NOT NULL,
    outcome         text        NOT NULL CHECK (outcome IN ('applied', 'duplicate', 'out_of_order', 'ignored',
                                                            'illegal_transition', 'mismatch', 'unknown_payment',
                                                            'rejected_signature', 'rejected_malformed', 'error')),
    detail          text,
    raw_payload     text        NOT NULL,
    received_at     timestamptz NOT NULL,
    processed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (id DESC);
CREATE INDEX webhook_deliveries_by_outcome ON webhook_deliveries (outcome, id DESC);

-- The provider events that took effect: the primary key is what makes a redelivered or concurrently delivered
-- event apply once. An event is claimed in the transaction that applies it.
CREATE TABLE webhook_events (
    provider   text        NOT NULL,
    event_id   text        NOT NULL,
    payment_id uuid,
    claimed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, event_id)
);

-- Events that arrived before the payment could take them (a refund before its confirmation, a Play purchase
-- before its token was registered). They are applied when the payment catches up.
CREATE TABLE parked_events (
    provider            text        NOT NULL,
    event_id            text        NOT NULL,
    provider_payment_id text        NOT NULL,
    event               text        NOT NULL,
    parked_at           timestamptz NOT NULL DEFAULT now(),
    released_at         timestamptz,
    PRIMARY KEY (provider, event_id)
);
CREATE INDEX parked_events_waiting ON parked_events (provider, provider_payment_id) WHERE released_at IS NULL;
