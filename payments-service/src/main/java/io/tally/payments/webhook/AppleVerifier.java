package io.tally.payments.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.payments.config.PaymentsConfig;
import io.tally.payments.payment.Providers;
import io.tally.payments.payment.ProviderEvent;
import io.tally.payments.payment.ProviderEvent.Kind;
import jakarta.inject.Singleton;

/**
 * App Store Server Notifications v2: the body is {@code {"signedPayload": "<JWS>"}}; the JWS and the transaction
 * inside it are verified through their {@code x5c} chain to the configured root ({@link X5cChain}). A consumable
 * purchase carries our payment reference as its {@code appAccountToken} (the app sets it when it starts the
 * purchase); the product id must be the package code.
 */
@Singleton
public class AppleVerifier implements WebhookVerifier {

    private final PaymentsConfig.Apple config;
    private final X5cChain chain;

    public AppleVerifier(PaymentsConfig config) {
        this.config = config.webhooks().apple();
        this.chain = new X5cChain(this.config.rootCertificate(), this.config.requireAppleExtensions());
    }

    @Override
    public String provider() {
        return Providers.APPLE;
    }

    @Override
    public ProviderEvent verify(WebhookRequest request) {
        JsonNode body = WebhookJson.parse(request.body());
        String signedPayload = WebhookJson.optionalToken(body, "/signedPayload");
        if (signedPayload == null) {
            throw WebhookRejected.signature("missing signedPayload");
        }
        JsonNode notification = WebhookJson.parse(chain.verifiedPayload(signedPayload, request.receivedAt()));
        String id = WebhookJson.text(notification, "/notificationUUID");
        String type = WebhookJson.text(notification, "/notificationType");
        requireThisApp(notification);
        Kind kind = switch (type) {
            case "ONE_TIME_CHARGE" -> Kind.CONFIRMED;
            case "REFUND" -> Kind.REFUNDED;
            case "REFUND_REVERSED" -> Kind.REFUND_REVERSED;
            default -> Kind.IGNORED;
        };
        if (kind == Kind.IGNORED) {
            return ProviderEvent.ignored(provider(), id, type, "notification type not used by Tally");
        }
        String signedTransaction = WebhookJson.optionalToken(notification, "/data/signedTransactionInfo");
        if (signedTransaction == null) {
            throw WebhookRejected.malformed("missing /data/signedTransactionInfo");
        }
        JsonNode transaction = WebhookJson.parse(chain.verifiedPayload(signedTransaction, request.receivedAt()));
        if (kind == Kind.CONFIRMED && WebhookJson.optionalText(transaction, "/appAccountToken") == null) {
            return ProviderEvent.ignored(provider(), id, type, "transaction without appAccountToken");
        }
        return new ProviderEvent(provider(), id, type, kind,
                kind == Kind.CONFIRMED ? WebhookJson.optionalUuid(transaction, "/appAccountToken") : null,
                WebhookJson.text(transaction, "/transactionId"), null, null,
                kind == Kind.CONFIRMED ? WebhookJson.text(transaction, "/productId") : null,
                kind == Kind.REFUNDED ? "refunded by Apple" : null);
    }

    private void requireThisApp(JsonNode notification) {
        String bundleId = WebhookJson.optionalText(notification, "/data/bundleId");
        if (config.bundleId().isPresent() && !config.bundleId().get().equals(bundleId)) {
            throw WebhookRejected.signature("notification for another app (" + bundleId + ")");
        }
        String environment = WebhookJson.optionalText(notification, "/data/environment");
        if (environment != null && !config.environments().contains(environment)) {
            throw WebhookRejected.signature("notification from the " + environment + " environment, which is not accepted");
        }
    }
}
