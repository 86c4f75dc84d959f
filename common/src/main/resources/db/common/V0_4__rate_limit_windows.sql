-- Shared fixed-window rate limiter. UNLOGGED: counters are ephemeral, a crash resets them, which only
-- forgives the current window; in exchange every hit skips the WAL.
CREATE UNLOGGED TABLE rate_limit_windows (
    bucket       text        NOT NULL,
    window_start timestamptz NOT NULL,
    hits         int         NOT NULL,
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

CREATE INDEX rate_limit_windows_expires_at ON rate_limit_windows (expires_at);
