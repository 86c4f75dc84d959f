package io.tally.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.tally.common.testing.TestSql;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The two small pieces every sweep and write path is built from, against a real PostgreSQL: the advisory-lock
 * skeleton that lets one replica at a time do a pass, and pipelined statements that still run in order.
 */
@QuarkusTest
class SingleReplicaWorkTest {

    @Inject
    Pool pool;

    @Test
    void whileOneTransactionHoldsTheLock_anotherGetsTheFallbackAtOnce_andAfterItsCommitTheWorkRunsAgain()
            throws Exception {
        String lock = "test.single-replica." + UUID.randomUUID();
        CountDownLatch holding = new CountDownLatch(1);
        CompletableFuture<Void> release = new CompletableFuture<>();

        CompletableFuture<String> first = pool.withTransaction(conn -> AdvisoryLocks.ifAcquired(conn, lock, "skipped",
                        () -> Uni.createFrom().completionStage(release).replaceWith("ran")
                                .onSubscription().invoke(holding::countDown)))
                .subscribeAsCompletionStage().toCompletableFuture();
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();

        String second = pool.withTransaction(conn -> AdvisoryLocks.ifAcquired(conn, lock, "skipped",
                () -> Uni.createFrom().item("ran"))).await().atMost(Duration.ofSeconds(10));
        assertThat(second).isEqualTo("skipped");

        release.complete(null);
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("ran");
        String third = pool.withTransaction(conn -> AdvisoryLocks.ifAcquired(conn, lock, "skipped",
                () -> Uni.createFrom().item("ran"))).await().atMost(Duration.ofSeconds(10));
        assertThat(third).isEqualTo("ran");
    }

    @Test
    void pipelinedStatementsRunInTheOrderGiven_andAFailureFailsTheTransaction() {
        String consumer = "pipelined-" + UUID.randomUUID();
        Long seen = pool.withTransaction(conn -> Pipelined.inOrder(
                        insertInbox(conn, consumer, "1"),
                        insertInbox(conn, consumer, "2"),
                        conn.preparedQuery("""
                                INSERT INTO inbox (consumer, event_id, event_type)
                                SELECT consumer, 'copy-' || event_id, event_type FROM inbox WHERE consumer = $1""")
                                .execute(Tuple.of(consumer)))
                .chain(() -> Pipelined.answeringSecond(
                        insertInbox(conn, consumer, "5"),
                        conn.preparedQuery("SELECT count(*) AS n FROM inbox WHERE consumer = $1")
                                .execute(Tuple.of(consumer))))
                .map(rows -> rows.iterator().next().getLong("n"))).await().atMost(Duration.ofSeconds(10));
        // 1 and 2, their two copies, then 5: each statement saw the ones before it.
        assertThat(seen).isEqualTo(5L);

        String failed = "pipelined-failed-" + UUID.randomUUID();
        assertThatThrownBy(() -> pool.withTransaction(conn -> Pipelined.inOrder(
                        insertInbox(conn, failed, "1"),
                        conn.query("SELECT 1 / 0").execute(),
                        insertInbox(conn, failed, "2")))
                .await().atMost(Duration.ofSeconds(10)))
                .hasMessageContaining("division by zero");
        assertThat(TestSql.count(pool, "SELECT count(*) FROM inbox WHERE consumer = $1", failed))
                .as("the whole transaction rolled back").isZero();
    }

    private static Uni<?> insertInbox(SqlConnection conn, String consumer, String eventId) {
        return conn.preparedQuery("INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2, 'test.v1')")
                .execute(Tuple.of(consumer, eventId));
    }
}
