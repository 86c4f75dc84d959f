package io.tally.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.CompletionStage;

/** A pooled keep-alive HTTP client for scenarios; a non-2xx answer fails the operation. */
public final class Http implements AutoCloseable {

    private final Vertx vertx;
    private final WebClient client;

    public Http(int connections) {
        this.vertx = Vertx.vertx();
        this.client = WebClient.create(vertx, new WebClientOptions().setMaxPoolSize(connections)
                .setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(5_000));
    }

    public CompletionStage<HttpResponse<Buffer>> post(String url, String token, JsonObject body) {
        return expectSuccess(client.postAbs(url).bearerTokenAuthentication(token).sendJsonObject(body));
    }

    public CompletionStage<HttpResponse<Buffer>> post(String url, String token, String idempotencyKey, JsonObject body) {
        return expectSuccess(client.postAbs(url).bearerTokenAuthentication(token)
                .putHeader("Idempotency-Key", idempotencyKey).sendJsonObject(body));
    }

    /** A POST with extra headers (Idempotency-Key, X-Forwarded-For…). */
    public CompletionStage<HttpResponse<Buffer>> post(String url, String token, java.util.Map<String, String> headers,
                                                      JsonObject body) {
        var request = client.postAbs(url).bearerTokenAuthentication(token);
        headers.forEach(request::putHeader);
        return expectSuccess(request.sendJsonObject(body));
    }

    /** A POST of exact bytes with the given headers and no token (a provider's webhook). */
    public CompletionStage<HttpResponse<Buffer>> postBytes(String url, java.util.Map<String, String> headers,
                                                           byte[] body) {
        var request = client.postAbs(url);
        headers.forEach(request::putHeader);
        return expectSuccess(request.sendBuffer(Buffer.buffer(body)));
    }

    public CompletionStage<HttpResponse<Buffer>> put(String url, String token) {
        return expectSuccess(client.putAbs(url).bearerTokenAuthentication(token).send());
    }

    public CompletionStage<HttpResponse<Buffer>> get(String url, String token) {
        return expectSuccess(client.getAbs(url).bearerTokenAuthentication(token).send());
    }

    /** Calls {@code call} for every item, {@code wave} at a time, and waits for all of them. */
    public static <T> void inWaves(Iterable<T> items, int wave, java.util.function.Function<T, CompletionStage<?>> call) {
        java.util.List<java.util.concurrent.CompletableFuture<?>> pending = new java.util.ArrayList<>();
        for (T item : items) {
            pending.add(call.apply(item).toCompletableFuture());
            if (pending.size() == wave) {
                java.util.concurrent.CompletableFuture.allOf(pending.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
                pending.clear();
            }
        }
        java.util.concurrent.CompletableFuture.allOf(pending.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
    }

    private static CompletionStage<HttpResponse<Buffer>> expectSuccess(Future<HttpResponse<Buffer>> response) {
        return response.compose(r -> r.statusCode() / 100 == 2 ? Future.succeededFuture(r)
                : Future.failedFuture(new IllegalStateException("HTTP " + r.statusCode() + ": " + r.bodyAsString())))
                .toCompletionStage();
    }

    @Override
    public void close() {
        client.close();
        vertx.close();
    }
}
