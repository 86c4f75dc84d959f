package io.tally.credits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.common.testing.TestSql;
import io.tally.credits.ledger.LedgerOperation.Charge;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A batch of users this replica has seen skips opening their accounts; one it is wrong about (an opening that was
 * rolled back) is run again with the opening, so the user is charged as a new user would be.
 */
@QuarkusTest
class KnownAccountsTest {

    @Inject
    LedgerBatchExecutor executor;

    @Inject
    KnownAccounts known;

    @Inject
    Pool pool;

    @Test
    void aUserWronglyTakenForKnownIsOpenedAndCharged() {
        String user = "known-ghost-" + UUID.randomUUID();
        known.addAll(List.of(user));
        assertThat(known.containsAll(List.of(user))).isTrue();

        List<OperationResult> results = executor.execute(List.of(Submitted.fromApi(
                new Charge(UUID.randomUUID(), user, 15, new TreeMap<>())))).await().atMost(Duration.ofSeconds(30));

        assertThat(results).singleElement().satisfies(result -> assertThat(result.status())
                .isEqualTo(OperationResult.Status.APPLIED));
        assertThat(TestSql.count(pool, "SELECT balance + promotional FROM accounts WHERE user_id = $1", user))
                .as("opened with the signup bonus, then charged").isEqualTo(100 - 15);
    }
}
