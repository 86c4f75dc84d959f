package io.tally.payments.payment;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class PaymentRepository {

    static final String COLUMNS = """
            id, reference, user_id, package_code, provider, status, credits, amount_minor, currency,
            provider_payment_id, cycle, credited_cycle, status_reason, created_at, updated_at, expires_at,
            confirmed_at, reversed_at, credited_at""";

    private static final String INSERT = """
            INSERT INTO payments (id, reference, user_id, package_code, provider, status, credits, amount_minor,
                                  currency, provider_payment_id, cycle, status_reason, created_at, updated_at,
                                  expires_at, confirmed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15)""";

    private static final String FIND_OWN = "SELECT " + COLUMNS + " FROM payments WHERE id = $1 AND user_id = $2";

    private static final String LIST_OWN = "SELECT " + COLUMNS + """
             FROM payments
            WHERE user_id = $1 AND (created_at, id) < ($2, $3)
            ORDER BY created_at DESC, id DESC
            LIMIT $4""";

    private static final String LOCK_BY_REFERENCE = "SELECT " + COLUMNS + " FROM payments WHERE reference = $1 FOR UPDATE";

    private static final String LOCK_BY_PROVIDER_ID = "SELECT " + COLUMNS
            + " FROM payments WHERE provider = $1 AND provider_payment_id = $2 FOR UPDATE";

    private static final String LOCK_OWN = "SELECT " + COLUMNS + " FROM payments WHERE id = $1 AND user_id = $2 FOR UPDATE";

    private static final String SAVE = """
            UPDATE payments
               SET status = $2, provider_payment_id = $3, cycle = $4, status_reason = $5, updated_at = $6,
                   confirmed_at = $7, reversed_at = $8
             WHERE id = $1""";

    /** Pending payments past their expiry, locked; other replicas' janitors skip them. */
    private static final String LOCK_EXPIRED = "SELECT " + COLUMNS + """
             FROM payments
            WHERE status = 'pending' AND expires_at < now()
            ORDER BY expires_at
            LIMIT $1
            FOR UPDATE SKIP LOCKED""";

    private static final String RECORD_TRANSITION = """
            INSERT INTO payment_transitions (payment_id, from_status, to_status, applied, cycle, source, detail, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""";

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
                        p.confirmedAt()}))
                .replaceWithVoid();
    }

    public Uni<Optional<Payment>> findOwn(SqlClient client, UUID id, String userId) {
        return client.preparedQuery(FIND_OWN).execute(Tuple.of(id, userId)).map(PaymentRepository::first);
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

    public Uni<Optional<Payment>> lockByReference(SqlClient client, UUID reference) {
        return client.preparedQuery(LOCK_BY_REFERENCE).execute(Tuple.of(reference)).map(PaymentRepository::first);
    }

    public Uni<Optional<Payment>> lockByProviderId(SqlClient client, String provider, String providerPaymentId) {
        return client.preparedQuery(LOCK_BY_PROVIDER_ID).execute(Tuple.of(provider, providerPaymentId))
                .map(PaymentRepository::first);
    }

    public Uni<List<Payment>> lockExpired(SqlClient client, int limit) {
        return client.preparedQuery(LOCK_EXPIRED).execute(Tuple.of(limit)).map(PaymentRepository::all);
    }

    public Uni<Void> save(SqlClient client, Payment p) {
        return client.preparedQuery(SAVE).execute(Tuple.from(new Object[] {p.id(), p.status().dbValue(),
                        p.providerPaymentId(), p.cycle(), p.statusReason(), p.updatedAt(), p.confirmedAt(),
                        p.reversedAt()}))
                .replaceWithVoid();
    }

    public Uni<Void> recordTransition(SqlClient client, Payment before, PaymentStatus target, boolean applied,
                                      String source, String detail, OffsetDateTime at) {
        return client.preparedQuery(RECORD_TRANSITION).execute(Tuple.from(new Object[] {before.id(),
                        before.status().dbValue(), target.dbValue(), applied, before.cycle(), source, detail, at}))
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
                row.getOffsetDateTime("credited_at"));
    }
}
