package io.tally.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.common.testing.StripeSignatures;
import io.tally.common.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** A client app of Tally: calls through one base address (a gateway) with test users' tokens. */
final class TallyClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;

    TallyClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    HttpResponse<String> get(String path, String user) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(15));
        if (user != null) {
            request.header("Authorization", TestTokens.bearer(user, "user"));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String user, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (user != null) {
            request.header("Authorization", TestTokens.bearer(user, "user"));
        }
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postWithToken(String path, String token, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    long balance(String user) throws Exception {
        return JSON.readTree(get("/credits/me", user).body()).get("balance").asLong();
    }

    /** What the user can spend now: the balance less what running jobs hold. */
    long available(String user) throws Exception {
        return JSON.readTree(get("/credits/me", user).body()).get("available").asLong();
    }

    /**
     * Buys the {@code thb-popular} demo package as the buyer: a checkout, then the provider's signed
     * {@code payment_intent.succeeded} webhook (applied). Returns the credits the purchase grants.
     */
    long buyWithStripe(String buyer, String stripeSecret) throws Exception {
        JsonNode popular = null;
        for (JsonNode candidate : JSON.readTree(get("/payments/packages", null).body()).get("packages")) {
            if (candidate.get("code").asText().equals("thb-popular")) {
                popular = candidate;
            }
        }
        assertThat(popular).as("the demo package thb-popular").isNotNull();
        HttpResponse<String> checkout = post("/payments/checkout", buyer, Map.of("Idempotency-Key", UUID.randomUUID().toString()),
                "{\"packageCode\":\"thb-popular\",\"provider\":\"stripe\"}");
        assertThat(checkout.statusCode()).as(checkout.body()).isEqualTo(201);
        JsonNode payment = JSON.readTree(checkout.body());

        // Whitespace and key order a JSON re-encoder would change: the signature covers these exact bytes.
        String body = "{\"id\": \"evt_it_" + UUID.randomUUID() + "\", \"type\": \"payment_intent.succeeded\", \"livemode\": false,\n"
                + "  \"data\": {\"object\": {\"id\": \"pi_it_" + UUID.randomUUID() + "\", \"amount_received\": "
                + popular.get("priceMinor").asLong() + ", \"currency\": \"thb\",\n"
                + "    \"metadata\": {\"tally_reference\": \"" + payment.get("reference").asText() + "\"}}}}";
        HttpResponse<String> delivered = post("/webhooks/stripe", null,
                Map.of("Stripe-Signature", StripeSignatures.header(stripeSecret, body)), body);
        assertThat(delivered.statusCode()).as(delivered.body()).isEqualTo(200);
        assertThat(JSON.readTree(delivered.body()).get("outcome").asText()).isEqualTo("applied");
        return popular.get("credits").asLong() + popular.get("bonusCredits").asLong();
    }
}
