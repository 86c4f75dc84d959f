package io.tally.common.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.tally.common.db.Transactions;
import io.tally.common.problem.Problem;
import io.tally.common.problem.ProblemException;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Runs a money-moving POST at most once per {@code Idempotency-Key}: the key is claimed in the same
 * transaction as the effect, so key and effect commit together. Same key and same request → the first
 * response, replayed; same key and another request → 409. A refused request (its transaction rolled back)
 * stores nothing, so the client may retry it with the same key.
 */
@ApplicationScoped
public class IdempotentRequests {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    /** The longest key this store accepts (the primary key column allows 255). */
    public static final int MAX_KEY_LENGTH = 255;
    private static final Pattern PRINTABLE = Pattern.compile("[\\x21-\\x7E]+");

    private final Transactions transactions;
    private final IdempotencyRepository repository;
    private final IdempotencyConfig config;
    private final ObjectMapper json;

    public IdempotentRequests(Transactions transactions, IdempotencyRepository repository, IdempotencyConfig config,
                              ObjectMapper json) {
        this.transactions = transactions;
        this.repository = repository;
        this.config = config;
        this.json = json;
    }

    /**
     * @param owner   whose key space the key lives in (the caller's user id)
     * @param key     the header value; required
     * @param request what identifies the request: route and body (a record, serialised canonically)
     * @param work    the effect, on the transaction's connection
     */
    public Uni<Response> execute(String owner, String key, Object request,
                                 Function<SqlConnection, Uni<StoredResponse>> work) {
        String validKey = requireValidKey(key, MAX_KEY_LENGTH);
        String fingerprint = fingerprint(request);
        return transactions.write(conn -> repository.claim(conn, owner, validKey, fingerprint, config.ttl())
                .flatMap(claimed -> claimed
                        ? work.apply(conn).call(stored ->
                                repository.complete(conn, owner, validKey, stored.status(), toJson(stored.body())))
                                .map(stored -> respond(stored.status(), toJson(stored.body()), false))
                        : repository.find(conn, owner, validKey).map(previous -> replay(previous, fingerprint))));
    }

    private Response replay(IdempotencyRepository.Previous previous, String fingerprint) {
        if (!previous.requestHash().equals(fingerprint)) {
            throw new ProblemException(Problem.of(409, "idempotency-key-reused", "Idempotency key reused",
                    "This Idempotency-Key was already used with a different request; use a new key"));
        }
        return respond(previous.status(), previous.body(), true);
    }

    private static Response respond(int status, String body, boolean replayed) {
        Response.ResponseBuilder builder = Response.status(status).type(MediaType.APPLICATION_JSON).entity(body);
        if (replayed) {
            builder.header(REPLAYED_HEADER, "true");
        }
        return builder.build();
    }

    /**
     * The header's value if it is a usable key: present, printable ASCII without spaces, at most
     * {@code maxLength} characters; otherwise a 400 problem saying what a key must look like.
     */
    public static String requireValidKey(String key, int maxLength) {
        if (key == null || key.isBlank()) {
            throw new ProblemException(Problem.of(400, "idempotency-key-missing", "Idempotency-Key required",
                    "Send an Idempotency-Key header (1-" + maxLength
                            + " printable characters, e.g. a UUID) with this request"));
        }
        if (key.length() > maxLength || !PRINTABLE.matcher(key).matches()) {
            throw new ProblemException(Problem.of(400, "idempotency-key-invalid", "Invalid Idempotency-Key",
                    "An Idempotency-Key is 1-" + maxLength + " printable ASCII characters without spaces"));
        }
        return key;
    }

    private String fingerprint(Object request) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(json.writeValueAsString(request).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint request", e);
        }
    }

    private String toJson(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise response", e);
        }
    }
}
