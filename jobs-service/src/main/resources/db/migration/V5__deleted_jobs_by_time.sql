-- The bin: a user's deleted jobs, most recently deleted first (GET /jobs/deleted).
CREATE INDEX jobs_user_deleted ON jobs (user_id, deleted_at DESC, id DESC) WHERE deleted_at IS NOT NULL;
