package io.tally.payments.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.common.problem.Problem;
import io.tally.common.problem.ProblemException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

/**
 * Calls to a provider's API made while a delivery is verified (Opn's charges, Google Play's purchases), on a worker
 * thread. A provider that cannot answer now answers the delivery 503 with {@code Retry-After}: nothing changed, and
 * the provider delivers it again later, so no payment is lost while its API is down or Tally's credentials are wrong.
 */
final class ProviderApi {

    private ProviderApi() {
    }

    static HttpResponse<String> send(HttpClient http, HttpRequest request, String provider) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unavailable(provider + "'s API did not answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while asking " + provider + "'s API");
        }
    }

    /**
     * A provider's error body as {@code "<code> <message>"}, read at the given JSON pointers (Opn: {@code /code},
     * {@code /message}; Google: {@code /error/status}, {@code /error/message}), for a log line or a 503's detail.
     */
    static String errorOf(String body, String codePointer, String messagePointer, String provider) {
        try {
            JsonNode error = WebhookJson.parse(body);
            return Optional.ofNullable(WebhookJson.optionalText(error, codePointer)).orElse("?") + " "
                    + Optional.ofNullable(WebhookJson.optionalText(error, messagePointer)).orElse("");
        } catch (RuntimeException notJson) {
            return "(no " + provider + " error object)";
        }
    }

    static ProblemException unavailable(String detail) {
        return new ProblemException(Problem.of(503, "provider-unavailable", "Payment provider unavailable",
                detail + "; nothing changed, deliver again later"), Map.of("Retry-After", "30"));
    }
}
