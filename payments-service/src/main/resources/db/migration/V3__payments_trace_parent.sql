-- The W3C traceparent of the checkout request: the payment's events (confirmed, reversed) are published in that
-- trace, so one trace shows a purchase from checkout through the provider's webhook to the grant in credits-service
-- (EventTracing). Null when the checkout was not traced. V3, not V2: the backbone's V2_0_1 comes first.
ALTER TABLE payments ADD COLUMN trace_parent text;
