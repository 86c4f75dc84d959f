package io.tally.payments.payment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.tally.common.db.Columns;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Events that arrived before their payment could take them, keyed by the provider's payment id: a refund or a
 * dispute before the confirmation, a Play purchase before its token was registered.
 */
@ApplicationScoped
public class ParkedEvents {

    private static final String PARK = """
            INSERT INTO parked_events (provider, event_id, provider_payment_id, event)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
            ON CONFLICT (provider, event_id) DO UPDATE SET released_at = NULL""";

    /** The waiting events of the given payments, oldest first, marked released under a row lock. */
    private static final String TAKE_WAITING = """
            UPDATE parked_events SET released_at = now()
             WHERE (provider, event_id) IN (SELECT p.provider, p.event_id
                                              FROM parked_events p
                                              JOIN unnest($1::text[], $2::text[]) AS w (provider, provider_payment_id)
                                                ON p.provider = w.provider
                                               AND p.provider_payment_id = w.provider_payment_id
                                             WHERE p.released_at IS NULL
                                             ORDER BY p.provider, p.event_id
                                             FOR UPDATE OF p)
            RETURNING event, parked_at""";

    private final ObjectMapper json;

    public ParkedEvents(ObjectMapper json) {
        this.json = json;
    }

    /** Parks events; one released earlier that still cannot apply (its payment not confirmed yet) waits again. */
    public Uni<Void> parkAll(SqlClient client, List<ProviderEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery(PARK).execute(Columns.of(events)
                        .add(ProviderEvent::provider, String[]::new)
                        .add(ProviderEvent::eventId, String[]::new)
                        .add(ProviderEvent::providerPaymentId, String[]::new)
                        .add(this::toJson, String[]::new)
                        .tuple())
                .replaceWithVoid();
    }

    /** Releases and returns the events waiting for these payments (provider's ids), oldest first. */
    public Uni<List<ProviderEvent>> takeWaiting(SqlClient client, List<Payment> payments) {
        if (payments.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return client.preparedQuery(TAKE_WAITING).execute(Columns.of(payments)
                        .add(Payment::provider, String[]::new)
                        .add(Payment::providerPaymentId, String[]::new)
                        .tuple())
                .map(rows -> {
                    List<Row> released = new ArrayList<>();
                    rows.forEach(released::add);
                    released.sort(Comparator.comparing(row -> row.getOffsetDateTime("parked_at")));
                    return released.stream().map(row -> fromJson(row.getString("event"))).toList();
                });
    }

    private String toJson(ProviderEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("provider event cannot be serialised", e);
        }
    }

    private ProviderEvent fromJson(String value) {
        try {
            return json.readValue(value, ProviderEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("parked event cannot be read back: " + value, e);
        }
    }
}
