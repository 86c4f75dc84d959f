-- The W3C traceparent of the span that caused the event (an HTTP request, the processing of another event, the
-- job or payment it belongs to), taken when the row is written and sent as the Kafka record's traceparent
-- header, so a trace follows the event across services although the relay publishes later, on its own thread.
-- Null when nothing traced caused the event (tracing off, a scheduled sweep).
--
-- Backbone migrations take versions above every service's own (jobs and presence are at V2): a database that
-- already holds a service's V2 would otherwise refuse a backbone V1_0_x as out of order. A service's next own
-- migration is V3.
ALTER TABLE outbox ADD COLUMN trace_parent text;
