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
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Opn's charges as its API has them now, with the secret key as the Basic user: by id ({@code GET /charges/{id}}),
 * what a webhook's own copy only announces; and by our reference ({@code GET /search?scope=charge}), for an
 * operator's re-check of a payment no webhook has named a charge for. Blocking (run on a worker thread). Opn
 * unreachable or failing answers 503 ({@link ProviderApi}); a charge Opn does not know by id is a refusal.
 */
@Singleton
public class OpnCharges {

    private final PaymentsConfig.Opn config;
    private final HttpClient http;

    public OpnCharges(PaymentsConfig config) {
        this.config = config.webhooks().opn();
        this.http = HttpClient.newBuilder().connectTimeout(this.config.apiTimeout()).build();
    }

    /** The charge as Opn's API returns it. */
    public JsonNode retrieve(String chargeId) {
        HttpResponse<String> response = get("/charges/" + encode(chargeId));
        if (response.statusCode() == 404) {
            throw WebhookRejected.malformed("Opn knows no charge " + chargeId);
        }
        if (response.statusCode() != 200) {
            throw ProviderApi.unavailable("Opn's API answered " + response.statusCode() + " for charge " + chargeId + ": "
                    + ProviderApi.errorOf(response.body(), "/code", "/message", "Opn"));
        }
        JsonNode charge = WebhookJson.parse(response.body());
        if (!"charge".equals(WebhookJson.optionalText(charge, "/object"))
                || !chargeId.equals(WebhookJson.optionalText(charge, "/id"))) {
            throw ProviderApi.unavailable("Opn's API answered something other than charge " + chargeId);
        }
        return charge;
    }

    /**
     * The charges whose {@code metadata.tally_reference} is the payment's reference, newest first (an app that
     * retried may have made more than one). Opn's search matches the query anywhere in a charge's searchable text,
     * so only the charges whose metadata names the reference exactly are kept.
     */
    public List<JsonNode> findByReference(UUID reference) {
        HttpResponse<String> response = get("/search?scope=charge&order=reverse_chronological&per_page=10&query="
                + encode(reference.toString()));
        if (response.statusCode() != 200) {
            throw ProviderApi.unavailable("Opn's API answered " + response.statusCode() + " for the search for reference "
                    + reference + ": " + ProviderApi.errorOf(response.body(), "/code", "/message", "Opn"));
        }
        JsonNode result = WebhookJson.parse(response.body());
        if (!"search".equals(WebhookJson.optionalText(result, "/object")) || !result.path("data").isArray()) {
            throw ProviderApi.unavailable("Opn's API answered the search with something other than a search");
        }
        List<JsonNode> found = new ArrayList<>();
        result.path("data").forEach(charge -> {
            if ("charge".equals(WebhookJson.optionalText(charge, "/object")) && reference.toString()
                    .equals(WebhookJson.optionalText(charge, "/metadata/" + OpnVerifier.REFERENCE_KEY))) {
                found.add(charge);
            }
        });
        return found;
    }

    private HttpResponse<String> get(String path) {
        String key = config.secretKey().filter(k -> !k.isBlank()).orElseThrow(
                () -> ProviderApi.unavailable("TALLY_OPN_SECRET_KEY is not set: charges cannot be looked up with Opn"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.apiUrl().replaceAll("/+$", "") + path))
                .timeout(config.apiTimeout())
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((key + ":").getBytes(StandardCharsets.UTF_8)))
                .header("Accept", "application/json")
                .GET().build();
        return ProviderApi.send(http, request, "Opn");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
