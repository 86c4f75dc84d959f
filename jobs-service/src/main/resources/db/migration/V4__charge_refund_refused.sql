-- credits answers a refund it will never make with RefundRejected; the job keeps its charge and stops asking.
ALTER TABLE jobs DROP CONSTRAINT jobs_charge_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_charge_status_check
    CHECK (charge_status IN ('none', 'charged', 'refund_requested', 'refunded', 'refund_refused'));
