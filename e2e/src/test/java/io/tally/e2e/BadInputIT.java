package io.tally.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.common.testing.TestTokens;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input against every operation of the four OpenAPI documents: broken JSON, wrong types, missing and
 * extra fields, bodies over 1 MB, unicode, control characters and SQL in ids, bad tokens, wrong roles, other
 * users' resources. Every answer must be a 4xx problem+json (never a 5xx), and nothing may change.
 */
class BadInputIT {

    /** Operations anyone may call: the catalogue and the provider webhooks (those are verified by signature). */
    private static final Set<String> PUBLIC = Set.of("GET /payments/packages", "POST /webhooks/{provider}");
    /** Operations a second role may call too: an admin grants promotional credits as a backend does. */
    private static final Map<String, String> ALSO_ALLOWED = Map.of("/credits/promotions", "admin");
    private static final List<String> HOSTILE_IDS = List.of("'; DROP TABLE jobs; --", "1 OR 1=1", "\u0000",
            "ü🙂\u202e", "../../etc/passwd", "9".repeat(300), "%", "\r\nX-Injected: 1");

    private static Suite suite;
    private static Tally tally;
    private static Api api;
    private static InvariantChecker invariants;
    private static List<OpenApiOperations.Operation> operations;
    private static final String ATTACKER = Tally.user("attacker");
    private static final String VICTIM = Tally.user("victim");
    private static Map<String, Long> before;
    private static final AtomicInteger REQUESTS = new AtomicInteger();

    @BeforeAll
    static void startTheSuite() {
        suite = Suite.start();
        tally = suite.tally();
        api = tally.api();
        invariants = suite.invariants();
        operations = new ArrayList<>();
        for (String service : Stack.SERVICES) {
            operations.addAll(OpenApiOperations.of(api, service).operations());
        }
        tally.balance(ATTACKER); // accounts open on first sight: open them before the snapshot
        tally.balance(VICTIM);
        before = snapshot();
    }

    @AfterEach
    void nothingChanged() {
        assertThat(snapshot()).isEqualTo(before);
        invariants.awaitHealthy(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopTheSuite() {
        System.out.println("BAD-INPUT " + operations.size() + " operations swept with " + REQUESTS.get() + " requests");
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void theSweepCoversEveryServicesDocumentedOperations() {
        assertThat(operations).extracting(Object::toString).contains("POST /jobs (jobs)", "POST /credits/gifts (credits)",
                "POST /webhooks/{provider} (payments)", "POST /boxes/{id}/viewers (presence)",
                "POST /worker/jobs/claim (jobs)", "GET /credits/admin/reconciliation (credits)");
    }

    @Test
    void absentExpiredForgedAndForeignTokensAre401() {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("absent", null);
        tokens.put("expired", "Bearer " + TestTokens.expired(ATTACKER, "user", "admin", "worker", "service"));
        tokens.put("forged", "Bearer " + TestTokens.forged(ATTACKER, "user", "admin", "worker", "service"));
        tokens.put("other issuer", "Bearer " + TestTokens.otherIssuer(ATTACKER, "user", "admin", "worker", "service"));
        tokens.put("not a JWT", "Bearer ' OR 1=1 --");
        SoftAssertions softly = new SoftAssertions();
        for (OpenApiOperations.Operation operation : operations) {
            for (Map.Entry<String, String> token : tokens.entrySet()) {
                Api.Answer answer = call(operation, operation.path(null), token.getValue(), operation.hasBody() ? "{}" : null);
                if (PUBLIC.contains(key(operation))) {
                    softly.assertThat(answer.status()).as("%s with %s token", operation, token.getKey()).isLessThan(500);
                } else {
                    expectProblem(softly, answer, 401, operation + " with " + token.getKey() + " token");
                }
            }
        }
        softly.assertAll();
    }

    @Test
    void privilegedOperationsRefuseTheWrongRoleWith403() {
        SoftAssertions softly = new SoftAssertions();
        for (OpenApiOperations.Operation operation : operations) {
            String needed = roleNeeded(operation);
            if (needed == null) {
                continue;
            }
            for (String role : List.of("user", "worker", "service", "admin")) {
                if (!role.equals(needed) && !role.equals(ALSO_ALLOWED.get(operation.pathTemplate()))) {
                    Api.Answer answer = call(operation, operation.path(null), Api.bearer(ATTACKER, role),
                            operation.hasBody() ? "{}" : null);
                    expectProblem(softly, answer, 403, operation + " as " + role);
                }
            }
        }
        softly.assertAll();
    }

    @Test
    void malformedWronglyTypedMissingAndExtraBodiesAre4xx() {
        SoftAssertions softly = new SoftAssertions();
        for (OpenApiOperations.Operation operation : operations) {
            if (!operation.hasBody()) {
                continue;
            }
            List<String> bodies = new ArrayList<>(List.of("{\"prompt\": ", "[]", "\"just a string\"", "12", "null",
                    "{\"'; DROP TABLE accounts; --\": \"\\u0000ü🙂\"}", "{\"a\":1,\"a\":2", "\u0000\u0001\u0002"));
            if (!operation.requiredFields().isEmpty()) {
                bodies.add("{}");
            }
            bodies.addAll(wronglyTyped(operation.bodySchema()));
            for (String body : bodies) {
                Api.Answer answer = call(operation, operation.path(null), rightToken(operation), body);
                expectProblem(softly, answer, null, operation + " with body " + abbreviate(body));
            }
        }
        softly.assertAll();
    }

    @Test
    void bodiesOverOneMegabyteAre413() {
        String huge = "{\"prompt\":\"" + "x".repeat(1_100_000) + "\"}";
        SoftAssertions softly = new SoftAssertions();
        for (OpenApiOperations.Operation operation : operations) {
            if (operation.hasBody()) {
                expectProblem(softly, call(operation, operation.path(null), rightToken(operation), huge), 413,
                        operation + " with 1.1 MB");
            }
        }
        softly.assertAll();
    }

    @Test
    void hostileIdsAndQueryValuesNeverReachTheDatabaseAsSql() {
        SoftAssertions softly = new SoftAssertions();
        for (OpenApiOperations.Operation operation : operations) {
            if (operation.hasPathParameters()) {
                for (String id : HOSTILE_IDS) {
                    String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
                    Api.Answer answer = call(operation, operation.path(encoded), rightToken(operation),
                            operation.hasBody() ? "{}" : null);
                    expectProblem(softly, answer, null, operation + " with id " + abbreviate(id));
                }
            }
            for (OpenApiOperations.Parameter parameter : operation.parameters()) {
                if (parameter.in().equals("query") && !operation.method().equals("post")) {
                    for (String value : List.of("' OR 1=1 --", "-1", "ü🙂\u0000", "9".repeat(40))) {
                        String path = operation.path(null) + "?" + parameter.name() + "="
                                + URLEncoder.encode(value, StandardCharsets.UTF_8);
                        Api.Answer answer = call(operation, path, rightToken(operation), null);
                        // a filter value may legitimately match nothing (200); it must never break the service
                        softly.assertThat(answer.status()).as("%s?%s=%s", operation, parameter.name(), value).isLessThan(500);
                        if (answer.status() >= 400) {
                            softly.assertThat(answer.contentType()).as("%s?%s", operation, parameter.name())
                                    .isEqualTo("application/problem+json");
                        }
                    }
                }
            }
        }
        softly.assertAll();
    }

    @Test
    void anotherUsersResourcesAre404() {
        String job = tally.submitted(VICTIM, "text_to_image");
        Tally.Purchase payment = tally.checkout(VICTIM, "thb-pro", Tally.newKey());
        String box = tally.createBox(VICTIM);
        String connection = tally.join(VICTIM, box);
        String attacker = Api.bearer(ATTACKER);
        Map<String, Api.Answer> answers = new LinkedHashMap<>();
        answers.put("GET job", api.get("jobs", "/jobs/" + job, attacker));
        answers.put("job events", api.get("jobs", "/jobs/" + job + "/events", attacker));
        answers.put("cancel job", api.post("jobs", "/jobs/" + job + "/cancel", attacker, null, Map.of()));
        answers.put("delete job", api.send("jobs", "/jobs/" + job, "DELETE", attacker, null, Map.of()));
        answers.put("restore job", api.post("jobs", "/jobs/" + job + "/restore", attacker, null, Map.of()));
        answers.put("GET payment", api.get("payments", "/payments/" + payment.paymentId(), attacker));
        answers.put("purchase token", api.post("payments", "/payments/" + payment.paymentId() + "/purchase-token",
                attacker, Map.of("purchaseToken", "stolen"), Map.of()));
        answers.put("end box", api.send("presence", "/boxes/" + box, "DELETE", attacker, null, Map.of()));
        answers.put("heartbeat", api.send("presence", "/boxes/" + box + "/viewers/" + connection, "PUT", attacker, null, Map.of()));
        answers.put("leave", api.send("presence", "/boxes/" + box + "/viewers/" + connection, "DELETE", attacker, null, Map.of()));
        SoftAssertions softly = new SoftAssertions();
        answers.forEach((what, answer) -> expectProblem(softly, answer, 404, what + " of another user"));
        softly.assertAll();
        // the victim's own things are untouched; then put them back as they were for the snapshot
        assertThat(tally.published(box)).isTrue();
        // the victim ends what it started, so the invariants (every job ends) hold and the snapshot is steady
        assertThat(tally.leave(VICTIM, box, connection).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> tally.status(VICTIM, job).equals("QUEUED"));
        assertThat(tally.cancel(VICTIM, job).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> tally.status(VICTIM, job).equals("REFUNDED"));
        before = snapshot();
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static Api.Answer call(OpenApiOperations.Operation operation, String path, String authorization, String body) {
        REQUESTS.incrementAndGet();
        Map<String, String> headers = new LinkedHashMap<>();
        if (operation.method().equals("post")) {
            headers.put("Idempotency-Key", Tally.newKey()); // so the request gets past the key check to its body
        }
        return api.send(operation.service(), path, operation.method().toUpperCase(), authorization, body, headers);
    }

    private static void expectProblem(SoftAssertions softly, Api.Answer answer, Integer status, String what) {
        if (status == null) {
            softly.assertThat(answer.status()).as("%s answered %s", what, answer.body()).isBetween(400, 499);
        } else {
            softly.assertThat(answer.status()).as("%s answered %s", what, answer.body()).isEqualTo(status);
        }
        softly.assertThat(answer.contentType()).as("content type of %s", what).isEqualTo("application/problem+json");
        if (answer.contentType().equals("application/problem+json")) {
            softly.assertThat(answer.json().path("status").asInt()).as("status field of %s", what).isEqualTo(answer.status());
            softly.assertThat(answer.body()).as("%s leaks internals", what).doesNotContain("Exception", "\tat ", "SQL");
        }
    }

    /** The role an operation needs, when it is not the plain user role. */
    private static String roleNeeded(OpenApiOperations.Operation operation) {
        String path = operation.pathTemplate();
        if (path.contains("/admin")) {
            return "admin";
        }
        if (path.startsWith("/worker")) {
            return "worker";
        }
        if (path.equals("/credits/charges") || path.equals("/credits/refunds") || path.startsWith("/credits/holds")
                || path.equals("/credits/promotions")) {
            return "service";
        }
        return null;
    }

    private static String rightToken(OpenApiOperations.Operation operation) {
        String role = roleNeeded(operation);
        return Api.bearer(ATTACKER, role == null ? "user" : role);
    }

    /** One body per declared property, with a value of the wrong JSON type (the rest left out). */
    private static List<String> wronglyTyped(JsonNode schema) {
        List<String> bodies = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields(); properties.hasNext(); ) {
            Map.Entry<String, JsonNode> property = properties.next();
            String wrong = switch (property.getValue().path("type").asText("object")) {
                case "string" -> "{\"nested\": true}";
                case "integer", "number" -> "\"twelve\"";
                case "boolean" -> "\"maybe\"";
                case "array" -> "{\"not\": \"a list\"}";
                default -> "[1, 2, 3]";
            };
            bodies.add("{\"" + property.getKey() + "\": " + wrong + "}");
            if (property.getValue().path("type").asText("").equals("string")) {
                bodies.add("{\"" + property.getKey() + "\": \"nul\\u0000inside\"}");
            }
        }
        return bodies;
    }

    private static String key(OpenApiOperations.Operation operation) {
        return operation.method().toUpperCase() + " " + operation.pathTemplate();
    }

    private static String abbreviate(String text) {
        String printable = text.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 60 ? printable.substring(0, 60) + "…" : printable;
    }

    /** What the sweep's two users own, and the provider events applied anywhere: nothing may change. */
    private static Map<String, Long> snapshot() {
        Map<String, Long> counts = new LinkedHashMap<>();
        List<String> users = List.of(ATTACKER, VICTIM);
        for (String user : users) {
            counts.put("ledger transactions of " + user, ServiceDatabases.count("credits",
                    "SELECT count(*) FROM ledger_transactions WHERE user_id = ?", user));
            counts.put("balance of " + user, ServiceDatabases.count("credits",
                    "SELECT coalesce(sum(balance + promotional + held + earnings + frozen - debt), 0) FROM accounts WHERE user_id = ?", user));
            counts.put("jobs of " + user, ServiceDatabases.count("jobs", "SELECT count(*) FROM jobs WHERE user_id = ?", user));
            counts.put("payments of " + user, ServiceDatabases.count("payments",
                    "SELECT count(*) FROM payments WHERE user_id = ?", user));
            counts.put("live boxes of " + user, ServiceDatabases.count("presence",
                    "SELECT count(*) FROM boxes WHERE streamer_id = ? AND ended_at IS NULL", user));
            counts.put("viewer sessions of " + user, ServiceDatabases.count("presence",
                    "SELECT count(*) FROM viewer_sessions WHERE viewer_id = ?", user));
        }
        counts.put("provider events applied", ServiceDatabases.count("payments", "SELECT count(*) FROM webhook_events"));
        return counts;
    }
}
