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
import java.util.Base64;

/**
 * Opn's charge retrieval, {@code GET /charges/{id}} with the secret key as the Basic user: what Opn says a charge is
 * now, which a webhook's own copy only announces. Blocking (the verifier runs on a worker thread). Opn unreachable or
 * failing answers the delivery 503 ({@link ProviderApi}); a charge Opn does not know is a refusal.
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
        String key = config.secretKey().filter(k -> !k.isBlank()).orElseThrow(
                () -> ProviderApi.unavailable("TALLY_OPN_SECRET_KEY is not set: charges cannot be confirmed with Opn"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.apiUrl().replaceAll("/+$", "") + "/charges/"
                        + URLEncoder.encode(chargeId, StandardCharsets.UTF_8)))
                .timeout(config.apiTimeout())
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((key + ":").getBytes(StandardCharsets.UTF_8)))
                .header("Accept", "application/json")
                .GET().build();
        HttpResponse<String> response = ProviderApi.send(http, request, "Opn");
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
}
