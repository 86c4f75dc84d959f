package io.tally.payments.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.payments.config.PaymentsConfig;
import io.tally.payments.payment.Providers;
import io.tally.payments.payment.ProviderEvent;
import io.tally.payments.payment.ProviderEvent.Kind;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Stripe: {@code Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]}, where v1 is HMAC-SHA256 of
 * {@code t + "." + raw body} under the endpoint secret. Several v1 values (Stripe sends one per active secret
 * while you roll it) and several configured secrets are accepted. The PaymentIntent carries our payment reference
 * in {@code metadata.tally_reference}; later events name it by the PaymentIntent id. An event from the other mode
 * (its {@code livemode} is not the configured one) is refused: test-mode payments are free to make.
 */
@Singleton
public class StripeVerifier implements WebhookVerifier {

    static final String SIGNATURE_HEADER = "Stripe-Signature";
    static final String REFERENCE_KEY = "tally_reference";

    private final PaymentsConfig.Stripe config;
    private final List<byte[]> keys;

    public StripeVerifier(PaymentsConfig config) {
        this.config = config.webhooks().stripe();
        this.keys = Hmacs.utf8Keys(this.config.secrets());
    }

    @Override
    public String provider() {
        return Providers.STRIPE;
    }

    @Override
    public ProviderEvent verify(WebhookRequest request) {
        verifySignature(request);
        JsonNode event = WebhookJson.parse(request.body());
        LiveMode.require(event, config.livemode());
        String id = WebhookJson.text(event, "/id");
        String type = WebhookJson.text(event, "/type");
        JsonNode object = event.at("/data/object");
        if (!object.isObject()) {
            throw WebhookRejected.malformed("missing /data/object");
        }
        return switch (type) {
            case "payment_intent.succeeded" -> paymentIntent(id, type, object, Kind.CONFIRMED);
            case "payment_intent.payment_failed" -> paymentIntent(id, type, object, Kind.FAILED);
            case "charge.refunded" -> refund(id, type, object);
            case "charge.dispute.created" -> charge(id, type, object, Kind.DISPUTE_OPENED, "charged_back");
            case "charge.dispute.closed" -> "won".equals(WebhookJson.optionalText(object, "/status"))
                    ? charge(id, type, object, Kind.DISPUTE_WON, "dispute won")
                    : ProviderEvent.ignored(provider(), id, type, "dispute closed as "
                            + WebhookJson.optionalText(object, "/status") + ": the chargeback stands");
            default -> ProviderEvent.ignored(provider(), id, type, "event type not used by Tally");
        };
    }

    /** A PaymentIntent that succeeded or failed, as the event {@code id} about its payment ({@link PaymentRechecks} too). */
    ProviderEvent paymentIntent(String id, String type, JsonNode intent, Kind kind) {
        if (WebhookJson.optionalText(intent, "/metadata/" + REFERENCE_KEY) == null) {
            return ProviderEvent.ignored(provider(), id, type, "PaymentIntent without metadata." + REFERENCE_KEY);
        }
        Long amount = kind == Kind.CONFIRMED ? WebhookJson.optionalLong(intent, "/amount_received") : null;
        String currency = WebhookJson.optionalText(intent, "/currency");
        String failure = WebhookJson.optionalText(intent, "/last_payment_error/message");
        return new ProviderEvent(provider(), id, type, kind, WebhookJson.optionalUuid(intent, "/metadata/" + REFERENCE_KEY),
                WebhookJson.text(intent, "/id"), amount, currency == null ? null : currency.toUpperCase(Locale.ROOT),
                null, kind == Kind.FAILED ? failure : null);
    }

    /** Only a full refund reverses the purchase; a partial one is logged and left to an admin adjustment. */
    private ProviderEvent refund(String id, String type, JsonNode charge) {
        if (!charge.path("refunded").asBoolean(false)) {
            return ProviderEvent.ignored(provider(), id, type, WebhookJson.optionalText(charge, "/payment_intent"),
                    "partial refund of " + WebhookJson.optionalLong(charge, "/amount_refunded")
                            + ": not reversed automatically");
        }
        return charge(id, type, charge, Kind.REFUNDED, "refunded");
    }

    private ProviderEvent charge(String id, String type, JsonNode object, Kind kind, String detail) {
        String intent = WebhookJson.optionalText(object, "/payment_intent");
        if (intent == null) {
            return ProviderEvent.ignored(provider(), id, type, "not a PaymentIntent charge");
        }
        return new ProviderEvent(provider(), id, type, kind, null, intent, null, null, null, detail);
    }

    private void verifySignature(WebhookRequest request) {
        List<byte[]> secrets = Hmacs.requireSecrets(keys, "Stripe");
        String header = request.header(SIGNATURE_HEADER);
        if (header == null || header.length() > 2_000) {
            throw WebhookRejected.signature("missing " + SIGNATURE_HEADER + " header");
        }
        String timestamp = null;
        List<String> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (key.equals("t")) {
                timestamp = value;
            } else if (key.equals("v1")) {
                signatures.add(value);
            }
        }
        if (timestamp == null || signatures.isEmpty()) {
            throw WebhookRejected.signature(SIGNATURE_HEADER + " has no t= or v1= element");
        }
        if (!Hmacs.matchesAny(secrets, timestamp, request.body(), signatures)) {
            throw WebhookRejected.signature("no v1 signature matches a configured secret");
        }
        // After the HMAC: a replayed old delivery is refused even though it was once genuine.
        Hmacs.requireFresh(timestamp, config.tolerance(), request.receivedAt());
    }
}
