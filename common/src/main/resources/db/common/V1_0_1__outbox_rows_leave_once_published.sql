-- The relay deletes a row once the broker has acknowledged it, in the transaction that read it, instead of
-- setting published_at and keeping the row for three days. The update was never a HOT one (published_at sits in
-- both partial indexes), so every event paid a second heap tuple and index entries on all three indexes, and a
-- prune of 5,000 rows per housekeeping pass could not keep up with more than ~8 events/s. Kafka keeps the events.
--
-- published_at stays for now, unused, because during a rolling update the previous release's relay still sets
-- it (docs/operations.md: drop only in a later release). A row that relay marked during the rollout is sent once
-- more by the new one and then deleted: at-least-once delivery, which every consumer's inbox absorbs.
--
-- Backbone migrations that come after the services' own V1 take 1.0.x versions, so that databases which already
-- hold V1 apply them in order. A service's next own migration is V2.
DELETE FROM outbox WHERE published_at IS NOT NULL;
DROP INDEX outbox_published_at;
DROP INDEX outbox_unpublished;
