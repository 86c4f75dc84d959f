package io.tally.payments.payment;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.Columns;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class PaymentRepository {

    static final String COLUMNS = """
            id, reference, user_id, package_code, provider, status, credits, amount_minor, currency,
            provider_payment_id, cycle, credited_cycle, status_reason, created_at, updated_at, expires_at,
            confirmed_at, reversed_at, credited_at, trace_parent""";

    private static final String INSERT = """
            INSERT INTO payments (id, reference, user_id, package_code, provider, status, credits, amount_minor,
                                  currency, provider_payment_id, cycle, status_reason, created_at, updated_at,
                                  expires_at, confirmed_at, trace_parent)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16)""";

    private static final String FIND_OWN = "SELECT " + COLUMNS + " FROM payments WHERE id = $1 AND user_id = $2";

    private static final String FIND = "SELECT " + COLUMNS + " FROM payments WHERE id = $1";

    private static final String HAS_PAYMENTS = "SELECT EXISTS (SELECT 1 FROM payments WHERE user_id = $1) AS any";

    private static final String TRANSITIONS = """
            SELECT id, from_status, to_status, applied, cycle, source, detail, at
              FROM payment_transitions WHERE payment_id = $1 ORDER BY id
            """;

    private static final String LIST_OWN = "SELECT " + COLUMNS + """
             FROM payments
            WHERE user_id = $1 AND (created_at, id) < ($2, $3)
            ORDER BY created_at DESC, id DESC
            LIMIT $4""";

    /**
     * Every payment a batch of provider events names, by our reference or the provider's id, locked in id order.
     * Two indexed lookups in a UNION: written as one WHERE with OR, the planner scans the whole table.
     */
    private static final String LOCK_NAMED = "SELECT " + COLUMNS + """
             FROM payments
            WHERE id IN (SELECT id FROM payments WHERE reference = ANY($1::uuid[])
                         UNION ALL
                         SELECT p.id
                           FROM payments p
                           JOIN unnest($2::text[], $3::text[]) AS w (provider, provider_payment_id)
                             ON p.provider = w.provider AND p.provider_payment_id = w.provider_payment_id)
            ORDER BY id
            FOR UPDATE""";

    private static final String LOCK_OWN = "SELECT " + COLUMNS + " FROM payments WHERE id = $1 AND user_id = $2 FOR UPDATE";

    private static final String SAVE_ALL = """
            UPDATE payments
               SET status = c.status, provider_payment_id = c.provider_payment_id, cycle = c.cycle,
                   status_reason = c.status_reason, updated_at = c.updated_at, confirmed_at = c.confirmed_at,
                   reversed_at = c.reversed_at
              FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::timestamptz[],
                          $7::timestamptz[], $8::timestamptz[])
                   AS c (id, status, provider_payment_id, cycle, status_reason, updated_at, confirmed_at, reversed_at)
             WHERE payments.id = c.id""";

    /** Pending payments past their expiry, locked; other replicas' janitors skip them. */
    private static final String LOCK_EXPIRED = "SELECT " + COLUMNS + """
             FROM payments
            WHERE status = 'pending' AND expires_at < now()
            ORDER BY expires_at
            LIMIT $1
            FOR UPDATE SKIP LOCKED""";

    private static final String RECORD_TRANSITIONS = """
            INSERT INTO payment_transitions (payment_id, from_status, to_status, applied, cycle, source, detail, at)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bool[], $5::int[], $6::text[], $7::text[],
                                 $8::timestamptz[])""";

    private static final String MARK_CREDITED = """
            UPDATE payments
               SET credited_cycle = greatest(credited_cycle, c.cycle), credited_at = now()
              FROM unnest($1::uuid[], $2::int[]) AS c (id, cycle)
             WHERE payments.id = c.id""";

    private static final String MARK_CLAWED_BACK = """
            UPDATE payments
               SET clawed_back_cycle = greatest(clawed_back_cycle, c.cycle)
              FROM unnest($1::uuid[], $2::int[]) AS c (id, cycle)
             WHERE payments.id = c.id""";

    public Uni<Void> insert(SqlClient client, Payment p) {
        return client.preparedQuery(INSERT).execute(Tuple.from(new Object[] {p.id(), p.reference(), p.userId(),
                        p.packageCode(), p.provider(), p.status().dbValue(), p.credits(), p.amountMinor(), p.currency(),
                        p.providerPaymentId(), p.cycle(), p.statusReason(), p.createdAt(), p.expiresAt(),
                        p.confirmedAt(), p.traceParent()}))
                .replaceWithVoid();
    }

    public Uni<Optional<Payment>> findOwn(SqlClient client, UUID id, String userId) {
        return client.preparedQuery(FIND_OWN).execute(Tuple.of(id, userId)).map(PaymentRepository::first);
    }

    /** Any user's payment, for an operator. */
    public Uni<Optional<Payment>> find(SqlClient client, UUID id) {
        return client.preparedQuery(FIND).execute(Tuple.of(id)).map(PaymentRepository::first);
    }

    public Uni<Boolean> hasPayments(SqlClient client, String userId) {
        return client.preparedQuery(HAS_PAYMENTS).execute(Tuple.of(userId))
                .map(rows -> rows.iterator().next().getBoolean("any"));
    }

    /** A transition the payment was asked to make: applied, or refused and kept (an illegal one). */
    public record Transition(long id, String fromStatus, String toStatus, boolean applied, int cycle, String source,
                             String detail, OffsetDateTime at) {
    }

    /** Every transition of the payment, oldest first. */
    public Uni<List<Transition>> transitions(SqlClient client, UUID paymentId) {
        return client.preparedQuery(TRANSITIONS).execute(Tuple.of(paymentId)).map(rows -> {
            List<Transition> transitions = new ArrayList<>();
            rows.forEach(row -> transitions.add(new Transition(row.getLong("id"), row.getString("from_status"),
                    row.getString("to_status"), row.getBoolean("applied"), row.getInteger("cycle"),
                    row.getString("source"), row.getString("detail"), row.getOffsetDateTime("at"))));
            return transitions;
        });
    }

    public Uni<Optional<Payment>> lockOwn(SqlClient client, UUID id, String userId) {
        return client.preparedQuery(LOCK_OWN).execute(Tuple.of(id, userId)).map(PaymentRepository::first);
    }

    /** A page of the user's payments created before the cursor position, newest first. */
    public Uni<List<Payment>> listOwn(SqlClient client, String userId, OffsetDateTime beforeTime, UUID beforeId,
                                      int limit) {
        return client.preparedQuery(LIST_OWN).execute(Tuple.of(userId, beforeTime, beforeId, limit))
                .map(PaymentRepository::all);
    }



    public Uni<List<Payment>> lockNamedBy(SqlClient client, List<ProviderEvent> events) {
        List<ProviderEvent> byProviderId = events.stream()
                .filter(e -> e.reference() == null && e.providerPaymentId() != null).toList();
        return client.preparedQuery(LOCK_NAMED).execute(Tuple.of(
                        events.stream().map(ProviderEvent::reference).filter(java.util.Objects::nonNull).toArray(UUID[]::new),
                        byProviderId.stream().map(ProviderEvent::provider).toArray(String[]::new),
                        byProviderId.stream().map(ProviderEvent::providerPaymentId).toArray(String[]::new)))
                .map(PaymentRepository::all);
    }

    public Uni<List<Payment>> lockExpired(SqlClient client, int limit) {
        return client.preparedQuery(LOCK_EXPIRED).execute(Tuple.of(limit)).map(PaymentRepository::all);
    }

    public Uni<Void> save(SqlClient client, Payment p) {
        return saveAll(client, List.of(p));
    }

    public Uni<Void> saveAll(SqlClient client, Collection<Payment> payments) {
        if (payments.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Payment> rows = List.copyOf(payments);
        return client.preparedQuery(SAVE_ALL).execute(Columns.of(rows)
                        .add(Payment::id, UUID[]::new)
                        .add(p -> p.status().dbValue(), String[]::new)
                        .add(Payment::providerPaymentId, String[]::new)
                        .add(Payment::cycle, Integer[]::new)
                        .add(Payment::statusReason, String[]::new)
                        .add(Payment::updatedAt, OffsetDateTime[]::new)
                        .add(Payment::confirmedAt, OffsetDateTime[]::new)
                        .add(Payment::reversedAt, OffsetDateTime[]::new)
                        .tuple())
                .replaceWithVoid();
    }

    /** Every transition asked for, applied or refused, with what the payment was before. */
    public Uni<Void> recordTransitions(SqlClient client, List<PaymentTransitions.Change> changes) {
        if (changes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery(RECORD_TRANSITIONS).execute(Columns.of(changes)
                        .add(c -> c.before().id(), UUID[]::new)
                        .add(c -> c.before().status().dbValue(), String[]::new)
                        .add(c -> c.target().dbValue(), String[]::new)
                        .add(PaymentTransitions.Change::applied, Boolean[]::new)
                        .add(c -> c.before().cycle(), Integer[]::new)
                        .add(PaymentTransitions.Change::source, String[]::new)
                        .add(PaymentTransitions.Change::detail, String[]::new)
                        .add(PaymentTransitions.Change::at, OffsetDateTime[]::new)
                        .tuple())
                .replaceWithVoid();
    }

    public Uni<Void> markCredited(SqlClient client, List<UUID> ids, List<Integer> cycles) {
        return client.preparedQuery(MARK_CREDITED)
                .execute(Tuple.of(ids.toArray(UUID[]::new), cycles.toArray(Integer[]::new))).replaceWithVoid();
    }

    public Uni<Void> markClawedBack(SqlClient client, List<UUID> ids, List<Integer> cycles) {
        return client.preparedQuery(MARK_CLAWED_BACK)
                .execute(Tuple.of(ids.toArray(UUID[]::new), cycles.toArray(Integer[]::new))).replaceWithVoid();
    }

    private static Optional<Payment> first(RowSet<Row> rows) {
        return rows.iterator().hasNext() ? Optional.of(from(rows.iterator().next())) : Optional.empty();
    }

    private static List<Payment> all(RowSet<Row> rows) {
        List<Payment> payments = new ArrayList<>();
        rows.forEach(row -> payments.add(from(row)));
        return payments;
    }

    static Payment from(Row row) {
        return new Payment(row.getUUID("id"), row.getUUID("reference"), row.getString("user_id"),
                row.getString("package_code"), row.getString("provider"), PaymentStatus.fromDb(row.getString("status")),
                row.getLong("credits"), row.getLong("amount_minor"), row.getString("currency"),
                row.getString("provider_payment_id"), row.getInteger("cycle"), row.getInteger("credited_cycle"),
                row.getString("status_reason"), row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"), row.getOffsetDateTime("expires_at"),
                row.getOffsetDateTime("confirmed_at"), row.getOffsetDateTime("reversed_at"),
                row.getOffsetDateTime("credited_at"), row.getString("trace_parent"));
    }
}
