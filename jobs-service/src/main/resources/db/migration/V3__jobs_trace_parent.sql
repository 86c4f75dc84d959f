-- The W3C traceparent of the request that submitted the job: every event about the job (charged, queued, started,
-- completed, failed, refunded) is published in that trace, so one trace shows a job's whole life however many
-- requests and consumers it took (EventTracing). Null when the submission was not traced.
ALTER TABLE jobs ADD COLUMN trace_parent text;
