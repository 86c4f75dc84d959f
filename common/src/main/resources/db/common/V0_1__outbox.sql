-- Transactional outbox: events are rows written in the business transaction; the relay publishes them.
-- txid lets the relay publish in commit order (see OutboxRepository.NEXT_BATCH).
CREATE TABLE outbox (
    id           bigserial    PRIMARY KEY,
    event_id     uuid         NOT NULL UNIQUE,
    topic        text         NOT NULL,
    event_key    text         NOT NULL,
    event_type   text         NOT NULL,
    payload      json         NOT NULL,
    occurred_at  timestamptz  NOT NULL,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    txid         xid8         NOT NULL DEFAULT pg_current_xact_id(),
    published_at timestamptz
);

CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
