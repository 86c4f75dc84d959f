package io.tally.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.housekeeping.Housekeeping;
import io.tally.common.testing.TestSql;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Housekeeping deletes logged deliveries past their horizon: refused ones after 14 days, the others after 400. */
@QuarkusTest
class WebhookRetentionTest {

    @Inject
    Pool pool;

    @Inject
    Housekeeping housekeeping;

    @Test
    void refusedDeliveriesGoAfterTwoWeeksAcceptedOnesAfterTheirLongerHorizon() {
        String run = UUID.randomUUID().toString();
        insert(run + "-refused-old", "rejected_signature", 15);
        insert(run + "-refused-new", "rejected_malformed", 13);
        insert(run + "-applied-old", "applied", 401);
        insert(run + "-applied-kept", "applied", 15);
        insert(run + "-duplicate-kept", "duplicate", 399);

        // A scheduled pass may hold the housekeeping lock at that moment (runOnce then does nothing): run until done.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            housekeeping.runOnce().await().indefinitely();
            return TestSql.count(pool, "SELECT count(*) FROM webhook_deliveries WHERE detail LIKE $1", run + "%") == 3;
        });
        for (String gone : new String[] {"-refused-old", "-applied-old"}) {
            assertThat(TestSql.count(pool, "SELECT count(*) FROM webhook_deliveries WHERE detail = $1", run + gone))
                    .as(gone).isZero();
        }
    }

    private void insert(String detail, String outcome, int ageDays) {
        TestSql.execute(pool, """
                INSERT INTO webhook_deliveries (provider, signature_valid, outcome, detail, received_at, body_bytes)
                VALUES ('stripe', $1, $2, $3, now() - make_interval(days => $4), 0)""",
                !outcome.startsWith("rejected"), outcome, detail, ageDays);
    }
}
