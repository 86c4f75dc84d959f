package io.tally.common.outbox;

import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One unpublished outbox row, as the relay reads it. */
record OutboxRecord(long id, UUID eventId, String topic, String eventKey, String eventType, String payload,
                    OffsetDateTime occurredAt, String traceParent) {

    static OutboxRecord from(Row row) {
        return new OutboxRecord(
                row.getLong("id"),
                row.getUUID("event_id"),
                row.getString("topic"),
                row.getString("event_key"),
                row.getString("event_type"),
                row.getString("payload"),
                row.getOffsetDateTime("occurred_at"),
                row.getString("trace_parent"));
    }
}
