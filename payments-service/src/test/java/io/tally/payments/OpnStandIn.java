package io.tally.payments;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opn's charge API as the tests' payment provider: Opn itself cannot be reached from here. It answers
 * {@code GET /charges/{id}} the way Opn documents it — the charge object with Basic authentication by the secret
 * key, {@code 401 authentication_failure} without it, {@code 404 not_found} for a charge it does not know — from the
 * charges a test put there with {@code PUT /charges/{id}} (the charge as Opn would now have it). A charge whose id
 * contains "outage" answers 503, as Opn's API does when it is down.
 */
public class OpnStandIn implements QuarkusTestResourceLifecycleManager {

    static final String SECRET_KEY = "skey_test_tally";

    private final Map<String, String> charges = new ConcurrentHashMap<>();
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        server = StandIns.loopback("Opn");
        server.createContext("/charges/", this::charges);
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
            String expected = "Basic " + Base64.getEncoder().encodeToString((SECRET_KEY + ":").getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
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

    private static String error(String code, String message) {
        return "{\"object\":\"error\",\"location\":\"https://www.omise.co/api-errors#" + code.replace('_', '-')
                + "\",\"code\":\"" + code + "\",\"message\":\"" + message + "\"}";
    }
}
