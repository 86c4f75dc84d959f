-- Every ledger write updates its accounts' rows, and only 1.0 % of those updates were HOT under the credits benchmark
-- (603,030 updates, pg_stat_user_tables, 2026-12-06): each moved the row to another page and added an entry to both
-- indexes, because (a) accounts_touch set updated_at, which accounts_updated_at indexes, to a new now() on every
-- write, and (b) at fillfactor 100 a page has no room for the new version.
--
-- (a) updated_at now moves by whole minutes: an account written many times in one minute keeps the same indexed
-- value, so its updates can stay on the page. The periodic reconciliation truncates the start of its window to the
-- minute as well (ReconciliationRepository), so an account changed at any moment of a minute is in every window that
-- starts in or after that minute's beginning; a hand-written UPDATE is still caught by the next run.
-- (b) 30 % of each page is left free for new versions; rows on full pages move to roomier ones at their next update.
CREATE OR REPLACE FUNCTION accounts_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := date_trunc('minute', now());
    RETURN NEW;
END
$$;

ALTER TABLE accounts SET (fillfactor = 70);
