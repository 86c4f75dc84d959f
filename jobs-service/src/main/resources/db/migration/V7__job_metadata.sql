-- The caller's own labels on a job (an order id, a project): a small JSON object of strings, returned as given and
-- carried in the job's events and onto its hold. Checked at the API (CallerMetadata); NULL when none.
ALTER TABLE jobs ADD COLUMN metadata jsonb CHECK (metadata IS NULL OR jsonb_typeof(metadata) = 'object');
