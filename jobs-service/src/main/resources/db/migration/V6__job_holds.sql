-- A job reserves its price as a credit hold (its id is the job's) and settles it when it ends: captured on completion
-- (for its final price, at most the hold), voided when it fails or is cancelled. Jobs charged before holds keep
-- 'charged' and the refund states.
ALTER TABLE jobs DROP CONSTRAINT jobs_charge_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_charge_status_check
    CHECK (charge_status IN ('none', 'charged', 'refund_requested', 'refunded', 'refund_refused',
                             'held', 'capture_requested', 'captured', 'capture_refused',
                             'void_requested', 'voided', 'void_refused'));

ALTER TABLE jobs
    ADD COLUMN hold_expires_at timestamptz,          -- the job's deadline: its hold expires by itself then
    ADD COLUMN price           bigint CHECK (price >= 0 AND price <= cost), -- what completion captures
    ADD COLUMN captured        bigint CHECK (captured >= 0),               -- what credits captured
    ADD COLUMN available_after bigint;               -- the user's available credits once the hold was placed

DROP INDEX jobs_saga_waiting;
CREATE INDEX jobs_saga_waiting ON jobs (saga_requested_at)
    WHERE status = 'PENDING' OR charge_status IN ('refund_requested', 'capture_requested', 'void_requested');
