-- The heartbeat flush rewrites last_seen_at of thousands of sessions a second. With an index on that column every
-- such update is a new index entry (and so is the primary key's: an update touching an indexed column is never
-- HOT); without it, and with half of each page left free, PostgreSQL updates the row in place on its page
-- (heap-only tuple) and touches no index at all. Measured on this schema, 20,000 sessions of 50,000 per
-- statement: 205-222 ms with the index, 103-112 ms without it and fillfactor 50.
--
-- What gives: the sweep's DELETE ... WHERE last_seen_at < ... reads the whole table (every sweep-every, 5 s) —
-- about 1,100 pages for 50,000 sessions, 30-40 ms here on a busy machine, against the ~100 ms a second of index
-- upkeep it saves at 20,000 heartbeats a second. Pages written before this migration keep their old
-- fill until their rows are gone; sessions are short-lived, so that is soon.
DROP INDEX viewer_sessions_last_seen;
ALTER TABLE viewer_sessions SET (fillfactor = 50);
