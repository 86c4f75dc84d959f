package io.tally.payments.payment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Events that arrived before their payment could take them, keyed by the provider's payment id: a refund or a
 * dispute before the confirmation, a Play purchase before its token was registered.
 */
@ApplicationScoped
public class ParkedEvents {

    private static final String PARK = """
            INSERT INTO parked_events (provider, event_id, provider_payment_id, event)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT DO NOTHING""";

    /** Oldest first, locked so two transactions cannot release the same event. */
    private static final String TAKE_WAITING = """
            UPDATE parked_events SET released_at = now()
             WHERE (provider, event_id) IN (SELECT provider, event_id FROM parked_events
                                             WHERE provider = $1 AND provider_payment_id = $2 AND released_at IS NULL
                                             ORDER BY parked_at
                                             FOR UPDATE)
            RETURNING event, parked_at""";

    private final ObjectMapper json;

    public ParkedEvents(ObjectMapper json) {
        this.json = json;
    }

    public Uni<Void> park(SqlClient client, ProviderEvent event) {
        return client.preparedQuery(PARK).execute(Tuple.of(event.provider(), event.eventId(),
                event.providerPaymentId(), toJson(event))).replaceWithVoid();
    }

    /** Marks the payment's waiting events released and returns them, oldest first. */
    public Uni<List<ProviderEvent>> takeWaiting(SqlClient client, String provider, String providerPaymentId) {
        return client.preparedQuery(TAKE_WAITING).execute(Tuple.of(provider, providerPaymentId)).map(rows -> {
            List<Object[]> byTime = new ArrayList<>();
            rows.forEach(row -> byTime.add(new Object[] {row.getOffsetDateTime("parked_at"), row.getString("event")}));
            byTime.sort((a, b) -> ((java.time.OffsetDateTime) a[0]).compareTo((java.time.OffsetDateTime) b[0]));
            List<ProviderEvent> events = new ArrayList<>();
            byTime.forEach(pair -> events.add(fromJson((String) pair[1])));
            return events;
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
