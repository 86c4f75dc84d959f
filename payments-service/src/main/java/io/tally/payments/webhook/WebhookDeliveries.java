package io.tally.payments.webhook;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.Columns;
import io.tally.payments.payment.Outcome;
import io.tally.payments.payment.ProviderEvent;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The log of every webhook delivery: what arrived, from where, whether its signature held, and what became of it. A
 * delivery whose signature held keeps its whole body (the provider's own record of a payment); a refused one keeps
 * only its size, SHA-256, first 2 KB and sender, so refusals cannot fill the database.
 */
@ApplicationScoped
public class WebhookDeliveries {

    private static final String INSERT = """
            INSERT INTO webhook_deliveries (provider, event_id, event_type, payment_id, signature_valid, outcome,
                                            detail, raw_payload, received_at, body_bytes, body_sha256, body_excerpt,
                                            remote_address)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            RETURNING id""";

    /** Ids are assigned in ordinal order, so the sorted ids map back to the rows in order. */
    private static final String INSERT_ALL = """
            INSERT INTO webhook_deliveries (provider, event_id, event_type, payment_id, signature_valid, outcome,
                                            detail, raw_payload, received_at, body_bytes, body_sha256, remote_address)
            SELECT provider, event_id, event_type, payment_id, true, outcome, detail, raw_payload, received_at,
                   body_bytes, body_sha256, remote_address
              FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[],
                          $8::timestamptz[], $9::int[], $10::text[], $11::text[]) WITH ORDINALITY
                   AS d (provider, event_id, event_type, payment_id, outcome, detail, raw_payload, received_at,
                         body_bytes, body_sha256, remote_address, n)
             ORDER BY n
            RETURNING id""";

    /** What {@link #from} reads of a delivery. */
    private static final String SELECT_DELIVERIES = """
            SELECT id, provider, event_id, event_type, payment_id, signature_valid, outcome, detail, raw_payload,
                   body_bytes, body_sha256, body_excerpt, remote_address, received_at, processed_at
              FROM webhook_deliveries
            """;

    private static final String RECENT = SELECT_DELIVERIES + """
             WHERE ($1::text IS NULL OR outcome = $1) AND ($2::text IS NULL OR provider = $2) AND id < $3
             ORDER BY id DESC
             LIMIT $4""";

    private static final String FOR_PAYMENT = SELECT_DELIVERIES + """
             WHERE payment_id = $1
             ORDER BY id
             LIMIT 500""";

    /**
     * A logged delivery, as the admin report shows it.
     *
     * @param rawPayload  the whole body, for a delivery whose signature held; null for a refusal
     * @param bodyExcerpt the first 2 KB of a refused body; null otherwise
     */
    public record Delivery(long id, String provider, String eventId, String eventType, UUID paymentId,
                           boolean signatureValid, Outcome.Kind outcome, String detail, String rawPayload,
                           Integer bodyBytes, String bodySha256, String bodyExcerpt, String remoteAddress,
                           OffsetDateTime receivedAt, OffsetDateTime processedAt) {
    }

    /** A delivery whose signature held but that could not be applied: logged whole, the provider will retry it. */
    public Uni<Long> logUnapplied(SqlClient client, WebhookRequest request, ProviderEvent event, Outcome outcome) {
        return insert(client, request, event.eventId(), event.type(), true, outcome, storable(request.bodyText()), null);
    }

    /** A refused delivery: metadata and the body's first 2 KB only. */
    public Uni<Long> logRefusal(SqlClient client, WebhookRequest request, boolean signatureValid, Outcome outcome) {
        return insert(client, request, null, null, signatureValid, outcome, null, storable(request.bodyExcerpt()));
    }

    private Uni<Long> insert(SqlClient client, WebhookRequest request, String eventId, String eventType,
                             boolean signatureValid, Outcome outcome, String rawPayload, String excerpt) {
        return client.preparedQuery(INSERT).execute(Tuple.from(new Object[] {request.provider(), truncate(eventId),
                        truncate(eventType), outcome.paymentId(), signatureValid, outcome.kind().dbValue(),
                        truncate(outcome.detail()), rawPayload,
                        OffsetDateTime.ofInstant(request.receivedAt(), ZoneOffset.UTC), request.body().length,
                        request.bodySha256(), excerpt, request.remoteAddress()}))
                .map(rows -> rows.iterator().next().getLong("id"));
    }

    /** A delivery whose signature held, the event it carried and what became of it. */
    public record Logged(WebhookRequest request, ProviderEvent event, Outcome outcome) {
    }

    /** Logs deliveries whose signature held, with their outcomes; returns their ids in order. */
    public Uni<List<Long>> logAll(SqlClient client, List<Logged> deliveries) {
        Tuple columns = Columns.of(deliveries)
                .add(d -> d.request().provider(), String[]::new)
                .add(d -> truncate(d.event().eventId()), String[]::new)
                .add(d -> truncate(d.event().type()), String[]::new)
                .add(d -> d.outcome().paymentId(), UUID[]::new)
                .add(d -> d.outcome().kind().dbValue(), String[]::new)
                .add(d -> truncate(d.outcome().detail()), String[]::new)
                .add(d -> storable(d.request().bodyText()), String[]::new)
                .add(d -> OffsetDateTime.ofInstant(d.request().receivedAt(), ZoneOffset.UTC), OffsetDateTime[]::new)
                .add(d -> d.request().body().length, Integer[]::new)
                .add(d -> d.request().bodySha256(), String[]::new)
                .add(d -> d.request().remoteAddress(), String[]::new)
                .tuple();
        return client.preparedQuery(INSERT_ALL).execute(columns).map(rows -> {
            List<Long> ids = new ArrayList<>(deliveries.size());
            rows.forEach(row -> ids.add(row.getLong("id")));
            ids.sort(null);
            return ids;
        });
    }

    public Uni<List<Delivery>> recent(SqlClient client, Outcome.Kind outcome, String provider, long beforeId,
                                      int limit) {
        return client.preparedQuery(RECENT).execute(Tuple.of(outcome == null ? null : outcome.dbValue(), provider,
                beforeId, limit)).map(rows -> {
                    List<Delivery> deliveries = new ArrayList<>();
                    rows.forEach(row -> deliveries.add(from(row)));
                    return deliveries;
                });
    }

    /** The deliveries that named the payment, oldest first (at most 500). */
    public Uni<List<Delivery>> forPayment(SqlClient client, UUID paymentId) {
        return client.preparedQuery(FOR_PAYMENT).execute(Tuple.of(paymentId)).map(rows -> {
            List<Delivery> deliveries = new ArrayList<>();
            rows.forEach(row -> deliveries.add(from(row)));
            return deliveries;
        });
    }

    /** PostgreSQL text cannot hold NUL; a hostile body must still be logged, so NULs become U+FFFD. */
    private static String storable(String text) {
        if (text == null) {
            return null;
        }
        return text.indexOf('\u0000') < 0 ? text : text.replace('\u0000', '\uFFFD');
    }

    private static String truncate(String detail) {
        if (detail == null) {
            return null;
        }
        return storable(detail.length() <= 1_000 ? detail : detail.substring(0, 1_000));
    }

    private static Delivery from(Row row) {
        return new Delivery(row.getLong("id"), row.getString("provider"), row.getString("event_id"),
                row.getString("event_type"), row.getUUID("payment_id"), row.getBoolean("signature_valid"),
                Outcome.Kind.fromDb(row.getString("outcome")), row.getString("detail"), row.getString("raw_payload"),
                row.getInteger("body_bytes"), row.getString("body_sha256"), row.getString("body_excerpt"),
                row.getString("remote_address"), row.getOffsetDateTime("received_at"),
                row.getOffsetDateTime("processed_at"));
    }
}
