package io.tally.payments.webhook;

import io.smallrye.mutiny.Uni;
import io.tally.common.housekeeping.HousekeepingTask;
import io.tally.payments.config.PaymentsConfig;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Deletes logged webhook deliveries past their horizon (tally.payments.webhooks.retention.*): refused ones, which
 * are metadata only, after a short while; those whose signature held, the provider's record, much later. Runs
 * within the service's housekeeping, in its bounded batches.
 */
@ApplicationScoped
public class WebhookDeliveryRetention implements HousekeepingTask {

    private static final String PRUNE = """
            DELETE FROM webhook_deliveries WHERE id IN (
                SELECT id FROM webhook_deliveries
                 WHERE received_at < now() - make_interval(secs => least($1::float8, $2::float8))
                   AND received_at < now() - make_interval(secs => CASE
                           WHEN outcome IN ('rejected_signature', 'rejected_malformed') THEN $1::float8 ELSE $2::float8 END)
                 LIMIT $3)""";

    private final PaymentsConfig.Retention retention;

    public WebhookDeliveryRetention(PaymentsConfig config) {
        this.retention = config.webhooks().retention();
    }

    @Override
    public Uni<Integer> prune(SqlClient client, int limit) {
        return client.preparedQuery(PRUNE).execute(Tuple.of((double) retention.refused().toSeconds(),
                (double) retention.accepted().toSeconds(), limit)).map(RowSet::rowCount);
    }
}
