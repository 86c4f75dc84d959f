package io.tally.payments.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.payments.config.PaymentsConfig;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Stripe's PaymentIntents as its API has them now, for an operator's re-check of a payment: by id
 * ({@code GET /v1/payment_intents/{id}}) once a webhook named it, else by our reference in its metadata
 * ({@code GET /v1/payment_intents/search}, Stripe's search query language). Blocking (run on a worker thread).
 * Stripe unreachable, or refusing the key, is a 503 ({@link ProviderApi}).
 */
@Singleton
public class StripePaymentIntents {

    private final PaymentsConfig.Stripe config;
    private final HttpClient http;

    public StripePaymentIntents(PaymentsConfig config) {
        this.config = config.webhooks().stripe();
        this.http = HttpClient.newBuilder().connectTimeout(this.config.apiTimeout()).build();
    }

    /** The PaymentIntent, or empty when Stripe knows none by that id. */
    public Optional<JsonNode> retrieve(String intentId) {
        HttpResponse<String> response = get("/v1/payment_intents/" + URLEncoder.encode(intentId, StandardCharsets.UTF_8));
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        JsonNode intent = ok(response, "PaymentIntent " + intentId);
        if (!"payment_intent".equals(WebhookJson.optionalText(intent, "/object"))) {
            throw ProviderApi.unavailable("Stripe's API answered something other than PaymentIntent " + intentId);
        }
        return Optional.of(intent);
    }

    /**
     * The PaymentIntents whose {@code metadata.tally_reference} is the payment's reference, newest first (a client
     * that retried may have made more than one).
     */
    public List<JsonNode> findByReference(UUID reference) {
        String query = "metadata['" + StripeVerifier.REFERENCE_KEY + "']:'" + reference + "'";
        JsonNode result = ok(get("/v1/payment_intents/search?limit=10&query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8)), "the search for reference " + reference);
        if (!"search_result".equals(WebhookJson.optionalText(result, "/object")) || !result.path("data").isArray()) {
            throw ProviderApi.unavailable("Stripe's API answered the search with something other than a search_result");
        }
        List<JsonNode> intents = new ArrayList<>();
        result.path("data").forEach(intents::add);
        intents.sort(Comparator.comparingLong((JsonNode i) -> i.path("created").asLong()).reversed());
        return intents;
    }

    private HttpResponse<String> get(String path) {
        String key = config.secretKey().filter(k -> !k.isBlank()).orElseThrow(() -> ProviderApi.unavailable(
                "TALLY_STRIPE_SECRET_KEY is not set: Tally cannot ask Stripe about a payment"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.apiUrl().replaceAll("/+$", "") + path))
                .timeout(config.apiTimeout())
                .header("Authorization", "Bearer " + key)
                .header("Accept", "application/json")
                .GET().build();
        return ProviderApi.send(http, request, "Stripe");
    }

    private static JsonNode ok(HttpResponse<String> response, String what) {
        if (response.statusCode() != 200) {
            throw ProviderApi.unavailable("Stripe's API answered " + response.statusCode() + " for " + what + ": "
                    + ProviderApi.errorOf(response.body(), "/error/type", "/error/message", "Stripe"));
        }
        return WebhookJson.parse(response.body());
    }
}
