package io.tally.payments.payment;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Payments whose effect in credits-service has not been acknowledged: confirmed but no CreditsGranted for the
 * current cycle, or reversed but no CreditsClawedBack. Empty when the suite is healthy.
 */
@ApplicationScoped
public class ReconciliationQueries {

    private static final String STUCK = """
            (SELECT id, user_id, status, credits, cycle, confirmed_at AS since, 'not_credited' AS problem
               FROM payments
              WHERE status = 'confirmed' AND credited_cycle < cycle
                AND confirmed_at < now() - make_interval(secs => $1)
              ORDER BY confirmed_at
              LIMIT $2)
            UNION ALL
            (SELECT id, user_id, status, credits, cycle, reversed_at AS since, 'not_clawed_back' AS problem
               FROM payments
              WHERE status IN ('refunded', 'charged_back') AND clawed_back_cycle < cycle
                AND reversed_at < now() - make_interval(secs => $1)
              ORDER BY reversed_at
              LIMIT $2)""";

    public record Stuck(UUID paymentId, String userId, PaymentStatus status, long credits, int cycle,
                        OffsetDateTime since, String problem) {
    }

    public Uni<List<Stuck>> stuck(SqlClient client, long olderThanSeconds, int limit) {
        return client.preparedQuery(STUCK).execute(Tuple.of((double) olderThanSeconds, limit)).map(rows -> {
            List<Stuck> stuck = new ArrayList<>();
            rows.forEach(row -> stuck.add(from(row)));
            return stuck;
        });
    }

    private static Stuck from(Row row) {
        return new Stuck(row.getUUID("id"), row.getString("user_id"), PaymentStatus.fromDb(row.getString("status")),
                row.getLong("credits"), row.getInteger("cycle"), row.getOffsetDateTime("since"),
                row.getString("problem"));
    }
}
