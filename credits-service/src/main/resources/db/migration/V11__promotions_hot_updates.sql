-- Every charge, hold or refund that draws on promotional credits updates its lots' remaining, and none of those updates
-- was HOT under the credits benchmark (0 of 209,215, pg_stat_user_tables, 2026-12-06): promotions_expiring's predicate
-- named remaining, and a column an index names, in its key or its predicate, rules out a HOT update whenever it
-- changes. Each update then wrote a new row version on another page and an entry into all three indexes.
--
-- The predicate now reads a stored flag that changes only when a lot runs out or is filled again (has_remaining), so
-- a draw that leaves credits in the lot changes no indexed value; and 30 % of each page is left free for the new
-- versions. The expiry pass asks for has_remaining (PromotionExpiry), which the index's predicate matches.
ALTER TABLE promotions ADD COLUMN has_remaining boolean GENERATED ALWAYS AS (remaining > 0) STORED;
DROP INDEX promotions_expiring;
CREATE INDEX promotions_expiring ON promotions (expires_at) WHERE has_remaining;
ALTER TABLE promotions SET (fillfactor = 70);
