-- A refused delivery (bad signature, malformed, too large) keeps what an investigation needs and nothing an
-- attacker could use to fill the database: the body's size, its SHA-256, its first 2 KB and the sender's address.
-- raw_payload holds the whole body only for deliveries whose signature held (the provider's own record).
ALTER TABLE webhook_deliveries
    ALTER COLUMN raw_payload DROP NOT NULL,
    ADD COLUMN body_bytes     int,
    ADD COLUMN body_sha256    text,
    ADD COLUMN body_excerpt   text,
    ADD COLUMN remote_address text;

-- Retention (WebhookDeliveryRetention) deletes by age.
CREATE INDEX webhook_deliveries_received_at ON webhook_deliveries (received_at);
