-- The claim counts each candidate owner's running jobs with one probe per candidate. With the running jobs indexed
-- by lease expiry only, that count had to be a join against an aggregate of all running jobs; the planner, whose
-- statistics rarely see the moment's PROCESSING rows, estimated one running job and chose a nested loop: every
-- claim compared each candidate with every running job (500 × 700 rows, 35–120 ms) while holding the claim lock.
-- Keyed by user first, the probe is an index lookup. The lease sweep still finds expired leases here: it reads
-- the running jobs (bounded by the workers' capacity) and sorts the few that expired.
DROP INDEX jobs_processing;
CREATE INDEX jobs_running ON jobs (user_id, lease_expires_at) WHERE status = 'PROCESSING';
