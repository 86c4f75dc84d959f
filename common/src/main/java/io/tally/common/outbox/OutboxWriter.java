package io.tally.common.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.tally.common.db.TimeOrderedUuid;
import io.tally.common.events.EventType;
import io.tally.common.events.EventTypes;
import io.tally.common.events.TallyEvent;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Records events in the outbox on the caller's connection, so they commit or roll back with the business
 * change they report. Nothing here talks to Kafka; the {@link OutboxRelay} does, after the commit.
 */
@ApplicationScoped
public class OutboxWriter {

    private final OutboxRepository repository;
    private final ObjectMapper json;
    private final Clock clock;

    public OutboxWriter(OutboxRepository repository, ObjectMapper json) {
        this.repository = repository;
        this.json = json;
        this.clock = Clock.systemUTC();
    }

    /**
     * Events nothing traced caused (a scheduled sweep, a batch whose causes are not told apart). Where a request or
     * a consumed event caused them, say so with {@link #appendTraced}: a batch written by group commit runs on one
     * request's context, so the current span is not the cause of every event in it.
     */
    public Uni<Void> appendAll(SqlConnection conn, List<? extends TallyEvent> events) {
        List<OutgoingEvent> untraced = new ArrayList<>(events.size());
        for (TallyEvent event : events) {
            untraced.add(OutgoingEvent.untraced(event));
        }
        return appendTraced(conn, untraced);
    }

    /** Events, each in the trace of what caused it. */
    public Uni<Void> appendTraced(SqlConnection conn, List<OutgoingEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        List<OutboxRepository.NewRow> rows = new ArrayList<>(events.size());
        for (OutgoingEvent outgoing : events) {
            TallyEvent event = outgoing.event();
            EventType<?> type = EventTypes.of(event);
            rows.add(new OutboxRepository.NewRow(TimeOrderedUuid.next(), type.topic(), event.key(), type.name(),
                    toJson(event), now, outgoing.traceParent()));
        }
        return repository.insert(conn, rows);
    }

    private String toJson(TallyEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Event cannot be serialised: " + event.getClass().getName(), e);
        }
    }
}
