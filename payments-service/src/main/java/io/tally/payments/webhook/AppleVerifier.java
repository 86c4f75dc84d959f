package io.tally.payments.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.payments.config.PaymentsConfig;
import io.tally.payments.payment.Providers;
import io.tally.payments.payment.ProviderEvent;
import io.tally.payments.payment.ProviderEvent.Kind;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;

/**
 * App Store Server Notifications v2: the body is {@code {"signedPayload": "<JWS>"}}; the JWS and the transaction
 * inside it are verified through their {@code x5c} chain to the configured root ({@link X5cChain}). A consumable
 * purchase carries our payment reference as its {@code appAccountToken} (the app sets it when it starts the
 * purchase); the product id must be the package code. Every notification must name this app's bundle id and an
 * accepted environment: a notification signed by Apple for somebody else's app is genuine, and still not ours.
 *
 * <p>Created at start-up ({@link Startup}), so that Apple enabled (a root certificate) without a bundle id or an
 * environment stops the service before it takes any delivery.
 */
@Singleton
@Startup
public class AppleVerifier implements WebhookVerifier {

    static final Set<String> ENVIRONMENTS = Set.of("Production", "Sandbox");

    private final String bundleId;
    private final List<String> environments;
    private final X5cChain chain;

    public AppleVerifier(PaymentsConfig config) {
        PaymentsConfig.Apple apple = config.webhooks().apple();
        requireCompleteConfiguration(apple);
        this.bundleId = apple.bundleId().orElse(null);
        this.environments = apple.environments().orElse(List.of());
        this.chain = new X5cChain(apple.rootCertificate(), apple.requireAppleExtensions());
    }

    /** Apple is enabled by its root certificate; then the bundle id and the environments must be set too. */
    static void requireCompleteConfiguration(PaymentsConfig.Apple apple) {
        if (apple.rootCertificate().isEmpty()) {
            return;
        }
        if (apple.bundleId().filter(id -> !id.isBlank()).isEmpty()) {
            throw new IllegalStateException("Apple notifications are enabled (TALLY_APPLE_ROOT_CERTIFICATE) but "
                    + "TALLY_APPLE_BUNDLE_ID is not set: set your app's bundle id, or Apple would accept "
                    + "notifications signed for any app");
        }
        List<String> environments = apple.environments().orElse(List.of());
        if (environments.isEmpty() || !ENVIRONMENTS.containsAll(environments)) {
            throw new IllegalStateException("Apple notifications are enabled (TALLY_APPLE_ROOT_CERTIFICATE) but "
                    + "TALLY_APPLE_ENVIRONMENTS is " + environments + ": set Production, Sandbox or both");
        }
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
        String notified = WebhookJson.optionalText(notification, "/data/bundleId");
        if (!bundleId.equals(notified)) {
            throw WebhookRejected.signature("notification for another app (" + notified + ")");
        }
        String environment = WebhookJson.optionalText(notification, "/data/environment");
        if (!environments.contains(environment)) {
            throw WebhookRejected.signature("notification from the " + environment + " environment, which is not accepted");
        }
    }
}
