package io.tally.payments;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Opn's charge API as the tests' payment provider: Opn itself cannot be reached from here. It answers
 * {@code GET /charges/{id}} the way Opn documents it — the charge object with Basic authentication by the secret
 * key, {@code 401 authentication_failure} without it, {@code 404 not_found} for a charge it does not know — from the
 * charges a test put there with {@code PUT /charges/{id}} (the charge as Opn would now have it). A charge whose id
 * contains "outage" answers 503, as Opn's API does when it is down. {@code GET /search?scope=charge&query=…} answers
 * a {@code search} object with the charges whose text contains the query, newest first, as Opn's full-text query
 * over a charge's searchable attributes (description, metadata) would.
 */
public class OpnStandIn implements QuarkusTestResourceLifecycleManager {

    static final String SECRET_KEY = "skey_test_tally";

    /** By id, in the order they were first put: their creation order. */
    private final Map<String, String> charges = Collections.synchronizedMap(new LinkedHashMap<>());
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        server = StandIns.loopback("Opn");
        server.createContext("/charges/", this::charges);
        server.createContext("/search", this::search);
        server.start();
        return Map.of("tally.payments.webhooks.opn.api-url", StandIns.baseUrl(server));
    }

    @Override
    public void stop() {
        StandIns.stop(server);
    }

    private void charges(HttpExchange exchange) throws IOException {
        try (exchange) {
            String id = exchange.getRequestURI().getPath().substring("/charges/".length());
            if (exchange.getRequestMethod().equals("PUT")) {
                charges.put(id, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                StandIns.respond(exchange, 204, null);
                return;
            }
            if (!authenticated(exchange)) {
                StandIns.respond(exchange, 401, error("authentication_failure", "authentication failed"));
            } else if (id.contains("outage")) {
                StandIns.respond(exchange, 503, error("service_unavailable", "the service is temporarily unavailable"));
            } else if (!charges.containsKey(id)) {
                StandIns.respond(exchange, 404, error("not_found", "charge " + id + " was not found"));
            } else {
                StandIns.respond(exchange, 200, charges.get(id));
            }
        }
    }

    private void search(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> parameters = new HashMap<>();
            for (String pair : Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("").split("&")) {
                String[] parts = pair.split("=", 2);
                parameters.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                        parts.length == 2 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
            }
            if (!authenticated(exchange)) {
                StandIns.respond(exchange, 401, error("authentication_failure", "authentication failed"));
                return;
            }
            if (!"charge".equals(parameters.get("scope"))) {
                StandIns.respond(exchange, 400, error("bad_request", "scope is not a valid search scope"));
                return;
            }
            String query = parameters.getOrDefault("query", "");
            List<String> found;
            synchronized (charges) {
                found = new ArrayList<>(charges.values().stream().filter(charge -> charge.contains(query)).toList());
            }
            Collections.reverse(found);
            StandIns.respond(exchange, 200, "{\"object\":\"search\",\"order\":\"reverse_chronological\","
                    + "\"location\":\"/search\",\"scope\":\"charge\",\"query\":\"" + query + "\",\"filters\":{},"
                    + "\"page\":1,\"per_page\":30,\"total\":" + found.size() + ",\"total_pages\":1,\"data\":["
                    + String.join(",", found) + "]}");
        }
    }

    private static boolean authenticated(HttpExchange exchange) {
        String expected = "Basic " + Base64.getEncoder().encodeToString((SECRET_KEY + ":").getBytes(StandardCharsets.UTF_8));
        return expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
    }

    private static String error(String code, String message) {
        return "{\"object\":\"error\",\"location\":\"https://www.omise.co/api-errors#" + code.replace('_', '-')
                + "\",\"code\":\"" + code + "\",\"message\":\"" + message + "\"}";
    }
}
