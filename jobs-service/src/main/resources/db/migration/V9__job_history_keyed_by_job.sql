-- job_history had two indexes: its primary key on the identity id, and job_history_by_job (job_id, id). Every read
-- names the job (the SSE stream's replay and catch-up, the latest entry of each followed job, the console), so the
-- key on id alone served none of them, yet each history row (two to four per job: submitted, queued, started,
-- finished) wrote an entry into it. The primary key is now (job_id, id): one index, the one the reads use. id stays
-- an identity, unique by construction. Rebuilding the key locks writes to job_history while it is built (about a
-- second per million rows here); a large installation may prefer to build the unique index CONCURRENTLY first and
-- attach it with ADD PRIMARY KEY USING INDEX.
ALTER TABLE job_history DROP CONSTRAINT job_history_pkey;
DROP INDEX job_history_by_job;
ALTER TABLE job_history ADD CONSTRAINT job_history_pkey PRIMARY KEY (job_id, id);
