-- Boxes (a streamer's live room) and their viewer sessions.

CREATE TABLE boxes (
    id                  uuid        PRIMARY KEY,
    streamer_id         text        NOT NULL,
    title               text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    -- Derived from presence, never set by hand: true while the box has a live viewer (BRIEF I6).
    is_published        boolean     NOT NULL DEFAULT false,
    published_at        timestamptz,
    unpublished_at      timestamptz,
    -- Set when the last viewer went away; with a grace period the box unpublishes once this is old enough.
    empty_since         timestamptz,
    live_connections    int         NOT NULL DEFAULT 0 CHECK (live_connections >= 0),
    unique_viewers      int         NOT NULL DEFAULT 0 CHECK (unique_viewers >= 0),
    -- What the last ViewerCountChanged said and when: at most one per box per second, across replicas.
    counts_emitted_at   timestamptz,
    emitted_connections int         NOT NULL DEFAULT 0,
    emitted_viewers     int         NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    ended_at            timestamptz
);
CREATE INDEX boxes_discovery ON boxes (live_connections DESC, id) WHERE is_published AND ended_at IS NULL;
CREATE INDEX boxes_counts_to_emit ON boxes (id)
    WHERE live_connections <> emitted_connections OR unique_viewers <> emitted_viewers;

-- Presence is ephemeral: UNLOGGED skips the WAL, so a crash of PostgreSQL empties this table. That loses
-- nothing that matters: every client re-announces itself within one heartbeat interval (a heartbeat on an
-- unknown connection answers 404 and the client joins again), and the sweep unpublishes boxes left empty.
CREATE UNLOGGED TABLE viewer_sessions (
    box_id        uuid        NOT NULL REFERENCES boxes (id) ON DELETE CASCADE,
    connection_id uuid        NOT NULL,
    viewer_id     text        NOT NULL,
    joined_at     timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (box_id, connection_id)
);
CREATE INDEX viewer_sessions_last_seen ON viewer_sessions (last_seen_at);
