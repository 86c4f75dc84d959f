package io.tally.common.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.tally.common.outbox.Transactions;
import io.tally.common.idempotency.IdempotencyRepository.Claim;
import io.tally.common.idempotency.IdempotencyRepository.KeyId;
import io.tally.common.idempotency.IdempotencyRepository.FirstResponse;
import io.tally.common.problem.Problem;
import io.tally.common.problem.ProblemException;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
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
     * One request of a batch: whose key space, the key (already checked by {@link #requireValidKey}), what
     * identifies the request (route and body, a record serialised canonically), and what its work needs.
     */
    public record Call<T>(String owner, String key, Object request, T input) {
    }

    /** What a call gets: the response to send, or the refusal to fail with (a key reused for another request). */
    public record Outcome(Response response, RuntimeException refusal) {

        public static Outcome refused(RuntimeException refusal) {
            return new Outcome(null, refusal);
        }

        public Response orThrow() {
            if (refusal != null) {
                throw refusal;
            }
            return response;
        }
    }

    /**
     * @param owner   whose key space the key lives in (the caller's user id)
     * @param key     the header value; required
     * @param request what identifies the request: route and body (a record, serialised canonically)
     * @param work    the effect, on the transaction's connection
     */
    public Uni<Response> execute(String owner, String key, Object request,
                                 Function<SqlConnection, Uni<StoredResponse>> work) {
        Call<Void> call = new Call<>(owner, requireValidKey(key, MAX_KEY_LENGTH), request, null);
        KeyedBatch<Void> batch = new KeyedBatch<>(List.of(call), List.of(fingerprint(request)));
        KeyId id = batch.keyOf(0);
        // The response is known only once the work has run (it may read the database): the key is claimed first,
        // then completed with it.
        return transactions.write(conn -> repository.claim(conn, batch.claims(Map.of()), config.ttl())
                        .flatMap(claimed -> claimed.isEmpty()
                                ? repository.find(conn, batch.keys()).map(previous -> batch.answer(claimed, previous))
                                : work.apply(conn).flatMap(stored -> {
                                    Map<KeyId, FirstResponse> first = Map.of(id, firstResponse(batch, id, stored));
                                    return repository.complete(conn, first).map(done -> batch.answer(claimed, first));
                                })))
                .map(outcomes -> outcomes.get(0).orThrow());
    }

    /** A batch call's work before anything is written: the response it will store, and the effect to write. */
    public record Prepared<E>(StoredResponse response, E effect) {
    }

    /**
     * {@link #execute} for a batch of calls inside the caller's transaction, for work whose response is known
     * before it is written: {@code prepare} turns each key's first call into its response and its effect; every
     * key is claimed with its response in one statement (one row version per key, never updated); {@code write}
     * runs once with the effects of the keys that were new, in call order. Every call is answered in order: its
     * new response, or the replay of the key's first one. A key named twice in the batch is claimed by its first
     * call; the later ones replay it, exactly as if they had come one after the other.
     */
    public <T, E> Uni<List<Outcome>> executeAll(SqlConnection conn, List<Call<T>> calls, Function<T, Prepared<E>> prepare,
                                                BiFunction<SqlConnection, List<E>, Uni<Void>> write) {
        if (calls.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        KeyedBatch<T> batch = new KeyedBatch<>(calls, calls.stream().map(call -> fingerprint(call.request())).toList());
        Map<KeyId, FirstResponse> responses = new LinkedHashMap<>();
        Map<KeyId, E> effects = new HashMap<>();
        for (KeyId id : batch.keys()) {
            Prepared<E> prepared = prepare.apply(batch.firstCall(id).input());
            responses.put(id, firstResponse(batch, id, prepared.response()));
            effects.put(id, prepared.effect());
        }
        return repository.claim(conn, batch.claims(responses), config.ttl()).flatMap(claimed -> {
            List<KeyId> usedKeys = batch.keys().stream().filter(id -> !claimed.contains(id)).toList();
            List<E> newEffects = batch.keys().stream().filter(claimed::contains).map(effects::get).toList();
            return repository.find(conn, usedKeys)
                    .flatMap(previous -> (newEffects.isEmpty() ? Uni.createFrom().voidItem()
                            : write.apply(conn, newEffects))
                            .map(written -> {
                                Map<KeyId, FirstResponse> first = new HashMap<>(previous);
                                claimed.forEach(id -> first.put(id, responses.get(id)));
                                return batch.answer(claimed, first);
                            }));
        });
    }

    /** A batch's calls with their fingerprints, and the first call naming each key (the one that may claim it). */
    private record KeyedBatch<T>(List<Call<T>> calls, List<String> fingerprints, Map<KeyId, Integer> firstCallOf) {

        KeyedBatch(List<Call<T>> calls, List<String> fingerprints) {
            this(calls, fingerprints, new LinkedHashMap<>());
            for (int i = 0; i < calls.size(); i++) {
                firstCallOf.putIfAbsent(keyOf(i), i);
            }
        }

        KeyId keyOf(int call) {
            return new KeyId(calls.get(call).owner(), calls.get(call).key());
        }

        List<KeyId> keys() {
            return List.copyOf(firstCallOf.keySet());
        }

        Call<T> firstCall(KeyId id) {
            return calls.get(firstCallOf.get(id));
        }

        String firstFingerprint(KeyId id) {
            return fingerprints.get(firstCallOf.get(id));
        }

        /** A claim per key, with the key's response where it is already known. */
        List<Claim> claims(Map<KeyId, FirstResponse> known) {
            return keys().stream().map(id -> new Claim(id, known.getOrDefault(id,
                    new FirstResponse(firstFingerprint(id), null, null)))).toList();
        }

        /** Each call's outcome: the new response for a key's claiming call, otherwise a replay of its first. */
        List<Outcome> answer(Set<KeyId> claimed, Map<KeyId, FirstResponse> first) {
            List<Outcome> outcomes = new ArrayList<>(calls.size());
            for (int i = 0; i < calls.size(); i++) {
                KeyId id = keyOf(i);
                outcomes.add(claimed.contains(id) && firstCallOf.get(id) == i
                        ? new Outcome(respond(first.get(id).status(), first.get(id).body(), false), null)
                        : replay(first.get(id), fingerprints.get(i)));
            }
            return outcomes;
        }
    }

    private static Outcome replay(FirstResponse previous, String fingerprint) {
        if (!previous.requestHash().equals(fingerprint)) {
            return Outcome.refused(new ProblemException(Problem.of(409, "idempotency-key-reused",
                    "Idempotency key reused",
                    "This Idempotency-Key was already used with a different request; use a new key")));
        }
        return new Outcome(respond(previous.status(), previous.body(), true), null);
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

    /** What a key stores for its first call: that call's fingerprint, and {@code stored} with its body as JSON. */
    private FirstResponse firstResponse(KeyedBatch<?> batch, KeyId id, StoredResponse stored) {
        return new FirstResponse(batch.firstFingerprint(id), stored.status(), toJson(stored.body()));
    }

    private String toJson(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise response", e);
        }
    }
}
