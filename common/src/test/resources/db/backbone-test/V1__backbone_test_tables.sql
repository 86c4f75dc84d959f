-- Business tables of the common module's test application.
CREATE TABLE notes (
    id         uuid        PRIMARY KEY,
    owner_id   text        NOT NULL,
    amount     bigint      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- One row per application of a consumed event: the inbox must keep this at one per event.
CREATE TABLE applied_effects (
    event_id   text        NOT NULL,
    job_id     uuid        NOT NULL,
    user_id    text        NOT NULL,
    cost       bigint      NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX applied_effects_job ON applied_effects (job_id);
