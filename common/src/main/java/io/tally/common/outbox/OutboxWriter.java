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

    public Uni<Void> append(SqlConnection conn, TallyEvent event) {
        return repository.insert(conn, List.of(row(event)));
    }

    public Uni<Void> appendAll(SqlConnection conn, List<? extends TallyEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<OutboxRepository.NewRow> rows = new ArrayList<>(events.size());
        for (TallyEvent event : events) {
            rows.add(row(event));
        }
        return repository.insert(conn, rows);
    }

    private OutboxRepository.NewRow row(TallyEvent event) {
        EventType<?> type = EventTypes.of(event);
        return new OutboxRepository.NewRow(TimeOrderedUuid.next(), type.topic(), event.key(), type.name(), toJson(event),
                OffsetDateTime.now(clock));
    }

    private String toJson(TallyEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Event cannot be serialised: " + event.getClass().getName(), e);
        }
    }
}
