-- Generation jobs, their history (what the SSE stream replays) and the per-user queue clock (fairness).
-- The legal status transitions live in JobStatus.java; the CHECKs here only keep values in range.

CREATE TABLE jobs (
    id                uuid PRIMARY KEY,
    user_id           text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('PENDING', 'REJECTED', 'QUEUED', 'PROCESSING',
                                                             'RETRYING', 'COMPLETED', 'FAILED', 'CANCELLED',
                                                             'REFUNDED')),
    type              text        NOT NULL CHECK (type IN ('text_to_video', 'image_to_video', 'text_to_image')),
    prompt            text        NOT NULL,
    image_url         text,
    duration_seconds  int         NOT NULL CHECK (duration_seconds BETWEEN 1 AND 60),
    resolution        text        NOT NULL,
    aspect_ratio      text        NOT NULL,
    quality           text        NOT NULL CHECK (quality IN ('standard', 'high')),
    model             text        NOT NULL,
    cost              bigint      NOT NULL CHECK (cost > 0),
    priority          int         NOT NULL CHECK (priority BETWEEN 0 AND 10),
    -- none → charged → refund_requested → refunded. Kept apart from status because a charge can outlive the
    -- job's own story (a job cancelled while its charge was in flight still gets its refund).
    charge_status     text        NOT NULL DEFAULT 'none'
                                  CHECK (charge_status IN ('none', 'charged', 'refund_requested', 'refunded')),
    rejection_reason  text,
    attempts          int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts      int         NOT NULL CHECK (max_attempts >= 1),
    -- Claim order within a priority: a virtual time from the owner's queue clock, so users interleave.
    queue_key         timestamptz,
    next_run_at       timestamptz,
    lease_owner       text,
    lease_token       uuid,
    lease_expires_at  timestamptz,
    cancel_requested  boolean     NOT NULL DEFAULT false,
    progress          int         NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    result_url        text,
    error             text,
    provider_name     text,
    provider_job_id   text,
    provider_cost     numeric(14, 6) CHECK (provider_cost >= 0),
    created_at        timestamptz NOT NULL DEFAULT now(),
    -- When the saga last asked credits for the charge or the refund; the saga sweep re-asks after a timeout.
    saga_requested_at timestamptz NOT NULL DEFAULT now(),
    queued_at         timestamptz,
    started_at        timestamptz,
    finished_at       timestamptz,
    deleted_at        timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- The claim query: runnable jobs by priority, then fair queue order.
CREATE INDEX jobs_runnable ON jobs (priority DESC, queue_key, id) WHERE status IN ('QUEUED', 'RETRYING');
-- Running jobs: the per-user concurrency bound and the lease-expiry sweep.
CREATE INDEX jobs_processing ON jobs (lease_expires_at) WHERE status = 'PROCESSING';
-- A user's list, newest first; the live list hides soft-deleted jobs.
CREATE INDEX jobs_user_live ON jobs (user_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX jobs_user_all ON jobs (user_id, created_at DESC, id DESC);
-- The saga sweep: charges and refunds still waiting for credits.
CREATE INDEX jobs_saga_waiting ON jobs (saga_requested_at)
    WHERE status = 'PENDING' OR charge_status = 'refund_requested';

-- Every status and progress change, in order: the SSE stream reads it, and it is the job's audit trail.
CREATE TABLE job_history (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id     uuid        NOT NULL REFERENCES jobs (id),
    status     text        NOT NULL,
    progress   int         NOT NULL,
    detail     text,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_history_by_job ON job_history (job_id, id);

-- Each user's virtual queue time: the k-th job a user queues in a burst is ordered as if it arrived
-- (k-1) × spacing later, so one user's thousand jobs interleave with everyone else's instead of starving them.
CREATE TABLE user_queue_clock (
    user_id    text PRIMARY KEY,
    virtual_at timestamptz NOT NULL
);
