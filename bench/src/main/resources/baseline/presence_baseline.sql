-- The naive presence write the BRIEF compares against: every heartbeat is one UPSERT of last_seen_at into a
-- viewers table (what a cleanup_stale_viewers-style setup on Supabase does). Recreated on every bench run.
DROP TABLE IF EXISTS baseline_viewers;
CREATE TABLE baseline_viewers (
    box_id        int         NOT NULL,
    connection_id int         NOT NULL,
    viewer_id     int         NOT NULL,
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (box_id, connection_id)
);
CREATE INDEX baseline_viewers_last_seen ON baseline_viewers (last_seen_at);
