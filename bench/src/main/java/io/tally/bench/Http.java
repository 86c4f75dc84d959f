package io.tally.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.CompletionStage;

/** A pooled keep-alive HTTP client for scenarios; a non-2xx answer fails the operation. */
public final class Http implements AutoCloseable {

    /**
     * How requests reach the service. Over HTTP/1.1 every request is its own round trip on one of the pooled
     * connections; over HTTP/2 (cleartext, prior knowledge) the requests in flight share a few connections, as they
     * do behind an HTTP/2 proxy or from HTTP/2 clients, and the frames of several requests travel in one system call.
     */
    public enum Transport {
        HTTP_1_1("1.1"), HTTP_2("2");

        private final String label;

        Transport(String label) {
            this.label = label;
        }

        /** The transport named by {@code --http=1.1} or {@code --http=2}. */
        public static Transport of(String label) {
            for (Transport transport : values()) {
                if (transport.label.equals(label)) {
                    return transport;
                }
            }
            throw new IllegalArgumentException("--http must be 1.1 or 2, not " + label);
        }

        /** What {@code --http} and the RESULT line call it. */
        public String label() {
            return label;
        }
    }

    /** Streams in flight per HTTP/2 connection: 64 requests in flight travel over 4 connections. */
    private static final int HTTP2_STREAMS_PER_CONNECTION = 16;

    private final Vertx vertx;
    private final Context[] eventLoops;
    private final java.util.concurrent.atomic.AtomicInteger nextLoop = new java.util.concurrent.atomic.AtomicInteger();
    private final WebClient client;
    /** The core client under {@link #client}, for the bodiless requests open loops send most. */
    private final HttpClient core;

    /** Up to {@code connections} requests in flight over as many HTTP/1.1 connections. */
    public Http(int connections) {
        this(connections, Transport.HTTP_1_1);
    }

    /** Up to {@code inFlight} requests in flight (per client: web and core) over {@code transport}. */
    public Http(int inFlight, Transport transport) {
        this.vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        this.eventLoops = new Context[]{vertx.getOrCreateContext(), vertx.getOrCreateContext()};
        int http2Connections = Math.max(1, (inFlight + HTTP2_STREAMS_PER_CONNECTION - 1) / HTTP2_STREAMS_PER_CONNECTION);
        WebClientOptions webOptions = new WebClientOptions().setMaxPoolSize(inFlight).setKeepAlive(true)
                .setTcpNoDelay(true).setConnectTimeout(5_000);
        HttpClientOptions coreOptions = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                .setConnectTimeout(5_000);
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(inFlight);
        if (transport == Transport.HTTP_2) {
            multiplexed(webOptions).setHttp2MaxPoolSize(http2Connections);
            multiplexed(coreOptions);
            pool.setHttp2MaxSize(http2Connections);
        }
        this.client = WebClient.create(vertx, webOptions);
        this.core = vertx.createHttpClient(coreOptions, pool);
    }

    /** Cleartext HTTP/2 with prior knowledge (no upgrade round trip), a bounded number of streams per connection. */
    private static <T extends HttpClientOptions> T multiplexed(T options) {
        options.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
                .setHttp2MultiplexingLimit(HTTP2_STREAMS_PER_CONNECTION);
        return options;
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

    /** A PUT without a body through the core client (cheaper per request than the web client); fails on non-2xx. */
    public CompletionStage<Integer> put(String url, String token) {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.PUT).setAbsoluteURI(url)
                .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        return core.request(request).compose(r -> r.send()).compose(response -> response.body().compose(body ->
                response.statusCode() / 100 == 2 ? Future.succeededFuture(response.statusCode())
                        : Future.<Integer>failedFuture(new IllegalStateException("HTTP " + response.statusCode() + ": "
                        + body)))).toCompletionStage();
    }

    public CompletionStage<HttpResponse<Buffer>> get(String url, String token) {
        return expectSuccess(client.getAbs(url).bearerTokenAuthentication(token).send());
    }

    /**
     * Runs tasks on one event loop of this client: requests issued there use connections of that loop, with no
     * hand-over between threads (what an open loop issues its requests through).
     */
    public java.util.concurrent.Executor eventLoop() {
        return task -> eventLoops[Math.floorMod(nextLoop.getAndIncrement(), eventLoops.length)]
                .runOnContext(ignored -> task.run());
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
        core.close();
        vertx.close();
    }
}
