package io.tally.payments.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.payments.config.PaymentsConfig;
import io.tally.payments.payment.ProviderEvent;
import io.tally.payments.payment.ProviderEvent.Kind;
import java.util.List;
import java.util.Locale;

/**
 * The Thai payment gateways (PromptPay QR, TrueMoney Wallet): {@code X-Webhook-Timestamp: <unix seconds>} and
 * {@code X-Webhook-Signature: sha256=<hex>}, HMAC-SHA256 of {@code timestamp + "." + raw body} under the
 * provider's secret. The body:
 * <pre>{"eventId", "type": "payment.succeeded|payment.failed|payment.refunded", "reference", "transactionId",
 *  "amount" (minor units), "currency", "failureReason"}</pre>
 */
abstract class GatewayHmacVerifier implements WebhookVerifier {

    static final String TIMESTAMP_HEADER = "X-Webhook-Timestamp";
    static final String SIGNATURE_HEADER = "X-Webhook-Signature";

    private final PaymentsConfig.Hmac config;

    GatewayHmacVerifier(PaymentsConfig.Hmac config) {
        this.config = config;
    }

    @Override
    public ProviderEvent verify(WebhookRequest request) {
        verifySignature(request);
        JsonNode body = WebhookJson.parse(request.body());
        String id = WebhookJson.text(body, "/eventId");
        String type = WebhookJson.text(body, "/type");
        Kind kind = switch (type) {
            case "payment.succeeded" -> Kind.CONFIRMED;
            case "payment.failed" -> Kind.FAILED;
            case "payment.refunded" -> Kind.REFUNDED;
            default -> Kind.IGNORED;
        };
        if (kind == Kind.IGNORED) {
            return ProviderEvent.ignored(provider(), id, type, "event type not used by Tally");
        }
        String currency = WebhookJson.optionalText(body, "/currency");
        return new ProviderEvent(provider(), id, type, kind,
                kind == Kind.REFUNDED ? null : WebhookJson.optionalUuid(body, "/reference"),
                WebhookJson.text(body, "/transactionId"),
                kind == Kind.CONFIRMED ? WebhookJson.optionalLong(body, "/amount") : null,
                currency == null ? null : currency.toUpperCase(Locale.ROOT), null,
                kind == Kind.FAILED ? WebhookJson.optionalText(body, "/failureReason") : null);
    }

    private void verifySignature(WebhookRequest request) {
        List<String> secrets = Hmacs.requireSecrets(config.secrets(), provider());
        String timestamp = request.header(TIMESTAMP_HEADER);
        String signature = request.header(SIGNATURE_HEADER);
        if (timestamp == null || signature == null || !signature.startsWith("sha256=")) {
            throw WebhookRejected.signature("missing " + TIMESTAMP_HEADER + " or " + SIGNATURE_HEADER + " (sha256=…)");
        }
        if (!Hmacs.matchesAny(secrets, timestamp, request.body(), List.of(signature.substring("sha256=".length())))) {
            throw WebhookRejected.signature("the signature does not match a configured secret");
        }
        Hmacs.requireFresh(timestamp, config.tolerance(), request.receivedAt());
    }
}
