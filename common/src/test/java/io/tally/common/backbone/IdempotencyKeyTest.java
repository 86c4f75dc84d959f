package io.tally.common.backbone;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import io.tally.common.idempotency.IdempotentRequests;
import io.tally.common.idempotency.IdempotentRequests.Call;
import io.tally.common.idempotency.IdempotentRequests.Outcome;
import io.tally.common.idempotency.IdempotentRequests.Prepared;
import io.tally.common.idempotency.StoredResponse;
import io.tally.common.problem.ProblemException;
import io.tally.common.testing.TestSql;
import io.tally.common.testing.TestTokens;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
class IdempotencyKeyTest {

    @Inject
    Pool pool;
    @Inject
    IdempotentRequests idempotent;

    @Test
    void sameKeyAndBodyReplaysTheFirstResponse() {
        String user = "idem-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        Response first = pay(user, key, 40);
        first.then().statusCode(201);
        Response second = pay(user, key, 40);

        second.then().statusCode(201).header("Idempotent-Replayed", "true");
        assertThat(second.<String>path("id")).isEqualTo(first.<String>path("id"));
        assertThat(TestSql.count(pool, "SELECT count(*) FROM notes WHERE owner_id = $1", user)).isEqualTo(1);
    }

    @Test
    void sameKeyWithAnotherBodyIsAConflict() {
        String user = "idem-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        pay(user, key, 40).then().statusCode(201);

        pay(user, key, 41).then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://tally.dev/problems/idempotency-key-reused"));
        assertThat(TestSql.count(pool, "SELECT count(*) FROM notes WHERE owner_id = $1", user)).isEqualTo(1);
    }

    @Test
    void keysAreScopedPerUser() {
        String key = UUID.randomUUID().toString();
        String a = pay("idem-a-" + UUID.randomUUID(), key, 5).then().statusCode(201).extract().path("id");
        String b = pay("idem-b-" + UUID.randomUUID(), key, 5).then().statusCode(201).extract().path("id");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void concurrentRequestsWithOneKeyHaveOneEffect() {
        String user = "idem-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        List<CompletableFuture<Response>> calls = IntStream.range(0, 10)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> pay(user, key, 77))).toList();
        List<Response> responses = calls.stream().map(CompletableFuture::join).toList();

        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(201));
        assertThat(responses.stream().map(r -> r.<String>path("id")).distinct()).hasSize(1);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM notes WHERE owner_id = $1", user)).isEqualTo(1);
    }

    @Test
    void aBatchClaimsEachKeyOnce_laterCallsWithItReplay_andAnotherBodyIsAConflict() {
        String user = "idem-batch-" + UUID.randomUUID();
        List<String> written = new CopyOnWriteArrayList<>();
        inOneTransaction(List.of(call(user, "k0", "zero")), written);

        List<Outcome> outcomes = inOneTransaction(List.of(call(user, "k1", "one"), call(user, "k1", "one"),
                call(user, "k1", "another"), call(user, "k2", "two"), call(user, "k0", "zero")), written);

        assertThat(written).containsExactly("zero", "one", "two");
        assertThat(outcomes.get(0).response().getHeaderString(IdempotentRequests.REPLAYED_HEADER)).isNull();
        assertThat(outcomes.get(0).response().getEntity()).isEqualTo("{\"note\":\"one\"}");
        assertThat(outcomes.get(1).response().getHeaderString(IdempotentRequests.REPLAYED_HEADER)).isEqualTo("true");
        assertThat(outcomes.get(1).response().getEntity()).isEqualTo("{\"note\":\"one\"}");
        assertThat(outcomes.get(2).refusal()).isInstanceOfSatisfying(ProblemException.class,
                refusal -> assertThat(refusal.problem().status()).isEqualTo(409));
        assertThat(outcomes.get(3).response().getEntity()).isEqualTo("{\"note\":\"two\"}");
        assertThat(outcomes.get(4).response().getHeaderString(IdempotentRequests.REPLAYED_HEADER)).isEqualTo("true");
        assertThat(outcomes.get(4).response().getEntity()).isEqualTo("{\"note\":\"zero\"}");
        assertThat(TestSql.count(pool, "SELECT count(*) FROM idempotency_keys WHERE owner_id = $1 "
                + "AND response_status = 201", user)).isEqualTo(3);
    }

    /** A batch knows its responses before it writes: each key's row is inserted with its response, never updated. */
    @Test
    void aBatchWritesEachKeyOnceWithItsResponse() {
        String user = "idem-once-" + UUID.randomUUID();
        List<String> written = new CopyOnWriteArrayList<>();
        // The transaction's own counts, as differences: a backend reports the counts of its earlier transactions
        // with them until it flushes its statistics, which it does between transactions.
        long[] counts = pool.withTransaction(conn -> writeCounts(conn).flatMap(before -> idempotent.executeAll(conn,
                        List.of(call(user, "a", "one"), call(user, "b", "two")), IdempotencyKeyTest::prepare,
                        write(written))
                        .chain(() -> writeCounts(conn))
                        .map(after -> new long[] {after[0] - before[0], after[1] - before[1]})))
                .await().atMost(Duration.ofSeconds(10));

        assertThat(counts[0]).as("rows inserted").isEqualTo(2);
        assertThat(counts[1]).as("rows updated").isZero();
        assertThat(written).containsExactly("one", "two");
        assertThat(TestSql.count(pool, "SELECT count(*) FROM idempotency_keys WHERE owner_id = $1 "
                + "AND response_status = 201 AND response_body IS NOT NULL", user)).isEqualTo(2);
    }

    @Test
    void missingOrInvalidKeyIsRefused() {
        String user = "idem-" + UUID.randomUUID();
        given().header("Authorization", TestTokens.bearer(user, "user")).contentType("application/json")
                .body("{\"amount\":5}")
                .when().post("/test/payments")
                .then().statusCode(400).body("type", equalTo("https://tally.dev/problems/idempotency-key-missing"));
        pay(user, "has spaces in it", 5).then().statusCode(400)
                .body("type", equalTo("https://tally.dev/problems/idempotency-key-invalid"));
        assertThat(TestSql.count(pool, "SELECT count(*) FROM notes WHERE owner_id = $1", user)).isZero();
    }

    private List<Outcome> inOneTransaction(List<Call<String>> calls, List<String> written) {
        return pool.withTransaction(conn -> idempotent.executeAll(conn, calls, IdempotencyKeyTest::prepare,
                        write(written)))
                .await().atMost(Duration.ofSeconds(10));
    }

    /** Rows of idempotency_keys inserted and updated by this connection's transaction (and unflushed ones). */
    private static Uni<long[]> writeCounts(SqlConnection conn) {
        return conn.query("SELECT n_tup_ins, n_tup_upd FROM pg_stat_xact_user_tables "
                        + "WHERE relid = 'idempotency_keys'::regclass").execute()
                .map(rows -> {
                    var row = rows.iterator().next();
                    return new long[] {row.getLong("n_tup_ins"), row.getLong("n_tup_upd")};
                });
    }

    private static Prepared<String> prepare(String note) {
        return new Prepared<>(new StoredResponse(201, Map.of("note", note)), note);
    }

    /** Writes a batch's notes to {@code written}, as the effect of the calls whose keys were new. */
    private static BiFunction<SqlConnection, List<String>, Uni<Void>> write(List<String> written) {
        return (conn, notes) -> {
            written.addAll(notes);
            return Uni.createFrom().voidItem();
        };
    }

    /** A call whose request and input are both its note. */
    private static Call<String> call(String user, String key, String note) {
        return new Call<>(user, key, note, note);
    }

    private static Response pay(String user, String key, long amount) {
        return given().header("Authorization", TestTokens.bearer(user, "user"))
                .header("Idempotency-Key", key)
                .contentType("application/json")
                .body("{\"amount\":" + amount + "}")
                .when().post("/test/payments");
    }
}
