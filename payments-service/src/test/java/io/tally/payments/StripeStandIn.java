package io.tally.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Stripe's PaymentIntents API as the tests' payment provider: Stripe itself cannot be reached from here. It answers
 * {@code GET /v1/payment_intents/{id}} and {@code GET /v1/payment_intents/search?query=metadata['k']:'v'} the way
 * Stripe documents them — the payment_intent object, a {@code search_result} list, {@code 401} with an
 * {@code invalid_request_error} for a wrong key, {@code 404 resource_missing} for an unknown id — from the intents a
 * test put there with {@code PUT /v1/payment_intents/{id}}. {@link #DOWN} makes it answer 500 {@code api_error}.
 */
public class StripeStandIn implements QuarkusTestResourceLifecycleManager {

    static final String SECRET_KEY = "sk_test_tally";
    static final AtomicBoolean DOWN = new AtomicBoolean();
    private static final Pattern METADATA_QUERY = Pattern.compile("metadata\\['([^']+)'\\]:'([^']*)'");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> intents = new ConcurrentHashMap<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        server = StandIns.loopback("Stripe");
        server.createContext("/v1/payment_intents", this::paymentIntents);
        server.start();
        return Map.of("tally.payments.webhooks.stripe.api-url", StandIns.baseUrl(server));
    }

    @Override
    public void stop() {
        StandIns.stop(server);
    }

    private void paymentIntents(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (exchange.getRequestMethod().equals("PUT")) {
                intents.put(path.substring(path.lastIndexOf('/') + 1),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                StandIns.respond(exchange, 204, null);
            } else if (!("Bearer " + SECRET_KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                StandIns.respond(exchange, 401, error("invalid_request_error", "Invalid API Key provided"));
            } else if (DOWN.get()) {
                StandIns.respond(exchange, 500, error("api_error", "An unknown error occurred"));
            } else if (path.equals("/v1/payment_intents/search")) {
                StandIns.respond(exchange, 200, search(exchange.getRequestURI().getRawQuery()));
            } else {
                String id = path.substring("/v1/payment_intents/".length());
                String intent = intents.get(id);
                StandIns.respond(exchange, intent == null ? 404 : 200, intent == null
                        ? error("invalid_request_error", "No such payment_intent: '" + id + "'") : intent);
            }
        }
    }

    /** Only the metadata clause Tally sends; Stripe's search language has more. */
    private String search(String rawQuery) throws IOException {
        String query = Arrays.stream(rawQuery == null ? new String[0] : rawQuery.split("&"))
                .filter(p -> p.startsWith("query=")).map(p -> URLDecoder.decode(p.substring(6), StandardCharsets.UTF_8))
                .findFirst().orElse("");
        Matcher clause = METADATA_QUERY.matcher(query);
        if (!clause.matches()) {
            return "{\"object\":\"search_result\",\"data\":[],\"has_more\":false,\"next_page\":null}";
        }
        StringBuilder found = new StringBuilder();
        for (String intent : intents.values()) {
            JsonNode node = JSON.readTree(intent);
            if (clause.group(2).equals(node.path("metadata").path(clause.group(1)).asText(null))) {
                found.append(found.isEmpty() ? "" : ",").append(intent);
            }
        }
        return "{\"object\":\"search_result\",\"url\":\"/v1/payment_intents/search\",\"has_more\":false,"
                + "\"next_page\":null,\"data\":[" + found + "]}";
    }

    private static String error(String type, String message) {
        return "{\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}";
    }

    /** A PaymentIntent as Stripe returns it (the fields Tally reads, and a few around them). */
    static String intent(String id, String status, long amount, String currency, String reference, String error) {
        return "{\"id\":\"" + id + "\",\"object\":\"payment_intent\",\"amount\":" + amount + ",\"amount_received\":"
                + (status.equals("succeeded") ? amount : 0) + ",\"currency\":\"" + currency.toLowerCase() + "\","
                + "\"status\":\"" + status + "\",\"livemode\":false,\"created\":" + System.currentTimeMillis() / 1000
                + ",\"metadata\":{\"tally_reference\":\"" + reference + "\"},\"last_payment_error\":"
                + (error == null ? "null" : "{\"type\":\"card_error\",\"code\":\"card_declined\",\"message\":\""
                + error + "\"}") + "}";
    }

    /** Puts the PaymentIntent, as Stripe now has it, into the stand-in. */
    static void atStripe(String id, String intent) {
        String api = ConfigProvider.getConfig().getValue("tally.payments.webhooks.stripe.api-url", String.class);
        try {
            int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + "/v1/payment_intents/"
                            + id)).PUT(HttpRequest.BodyPublishers.ofString(intent)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status != 204) {
                throw new IllegalStateException("the Stripe stand-in answered " + status);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
