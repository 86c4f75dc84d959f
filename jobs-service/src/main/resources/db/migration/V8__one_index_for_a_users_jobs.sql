-- A user's list had two indexes on the same key: jobs_user_live (soft-deleted jobs left out) and jobs_user_all. No
-- job update is HOT (the status is in the queue's partial indexes), so each update of a job (the saga's answer, the
-- claim, the completion, the capture's answer) wrote an entry into both. The list's statement (JobRepository.LIST)
-- serves both views with `$5 OR deleted_at IS NULL`, which a generic plan cannot match to the partial index: it
-- already read jobs_user_all and filtered, and a custom plan does the same now. Deleted jobs are the bin's few
-- (GET /jobs/deleted has its own index), so the filter skips little. Under jobs-claim the job updates' WAL records
-- went from 5.60 to 4.44 per row (pg_stat_statements, 2026-12-07).
DROP INDEX jobs_user_live;
