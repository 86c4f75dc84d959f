package io.tally.payments.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.payments.config.PaymentsConfig;
import io.tally.payments.payment.ProviderEvent;
import io.tally.payments.payment.ProviderEvent.Kind;
import io.tally.payments.payment.Providers;
import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Opn Payments (formerly Omise), through which PromptPay and TrueMoney Wallet payments are taken: one endpoint,
 * {@code /webhooks/opn}, for the whole Opn account.
 *
 * <p>A delivery carries {@code Omise-Signature-Timestamp: <unix seconds>} and {@code Omise-Signature: <hex>[,<hex>]}
 * (two while a secret is being rolled): HMAC-SHA256 of {@code timestamp + "." + raw body}, keyed with the
 * base64-decoded webhook secret. The body is an Opn event ({@code object: event}, {@code key}, {@code livemode},
 * {@code data}). The event only announces; what counts is the charge as Opn's API returns it ({@link OpnCharges}):
 * {@code charge.complete} confirms a charge that is {@code successful} (amount and currency as Opn has them) or fails
 * one that {@code failed}, {@code refund.create} reverses a charge refunded in full. The charge names the payment
 * by {@code metadata.tally_reference}, and its {@code source.type} says whether it was PromptPay or TrueMoney — the
 * provider codes the catalogue and checkout use.
 */
@Singleton
public class OpnVerifier implements WebhookVerifier {

    static final String SIGNATURE_HEADER = "Omise-Signature";
    static final String TIMESTAMP_HEADER = "Omise-Signature-Timestamp";
    static final String REFERENCE_KEY = "tally_reference";

    private final PaymentsConfig.Opn config;
    private final List<byte[]> keys;
    private final OpnCharges charges;

    public OpnVerifier(PaymentsConfig config, OpnCharges charges) {
        this.config = config.webhooks().opn();
        this.keys = Hmacs.base64Keys(this.config.webhookSecrets(), "TALLY_OPN_WEBHOOK_SECRETS");
        this.charges = charges;
    }

    @Override
    public String provider() {
        return Providers.OPN;
    }

    /** Each charge is looked up on Opn's API. */
    @Override
    public boolean blocking() {
        return true;
    }

    @Override
    public ProviderEvent verify(WebhookRequest request) {
        verifySignature(request);
        JsonNode event = WebhookJson.parse(request.body());
        if (!"event".equals(WebhookJson.optionalText(event, "/object"))) {
            throw WebhookRejected.malformed("not an Opn event (object is not \"event\")");
        }
        LiveMode.require(event, config.livemode());
        String id = WebhookJson.text(event, "/id");
        String key = WebhookJson.text(event, "/key");
        return switch (key) {
            case "charge.complete" -> ofCharge(id, key, charges.retrieve(WebhookJson.text(event, "/data/id")), false);
            case "refund.create" -> ofCharge(id, key, charges.retrieve(WebhookJson.text(event, "/data/charge")), true);
            default -> ProviderEvent.ignored(provider(), id, key, "event not used by Tally");
        };
    }

    /**
     * What the charge, as Opn has it now, means for its payment: confirmed when successful, failed when failed or
     * expired, else unchanged. An operator's re-check ({@link PaymentRechecks}).
     */
    public ProviderEvent chargeState(String eventId, String type, JsonNode charge) {
        return ofCharge(eventId, type, charge, false);
    }

    /** What the event means for the charge's payment: PromptPay and TrueMoney charges only. */
    private ProviderEvent ofCharge(String id, String key, JsonNode charge, boolean refund) {
        String provider = providerOf(charge);
        if (provider == null) {
            return ProviderEvent.ignored(provider(), id, key, "a " + sourceType(charge) + " charge, not PromptPay or TrueMoney");
        }
        return refund ? refunded(provider, id, key, charge) : completed(provider, id, key, charge);
    }

    private ProviderEvent completed(String provider, String id, String key, JsonNode charge) {
        String chargeId = WebhookJson.text(charge, "/id");
        String status = WebhookJson.optionalText(charge, "/status");
        String currency = WebhookJson.optionalText(charge, "/currency");
        return switch (status == null ? "" : status) {
            case "successful" -> new ProviderEvent(provider, id, key, Kind.CONFIRMED, reference(charge), chargeId,
                    WebhookJson.optionalLong(charge, "/amount"), currency == null ? null : currency.toUpperCase(Locale.ROOT),
                    null, null);
            case "failed", "expired" -> new ProviderEvent(provider, id, key, Kind.FAILED, reference(charge), chargeId,
                    null, null, null, status.equals("expired") ? "expired at Opn"
                    : WebhookJson.optionalText(charge, "/failure_message"));
            default -> unchanged(provider, id, key, charge, "charge " + chargeId + " is " + status + " at Opn");
        };
    }

    /** Only a charge refunded in full reverses the purchase; a partial refund is left to an admin adjustment. */
    private ProviderEvent refunded(String provider, String id, String key, JsonNode charge) {
        Long amount = WebhookJson.optionalLong(charge, "/amount");
        Long refunded = WebhookJson.optionalLong(charge, "/refunded_amount");
        if (amount == null || refunded == null || refunded < amount) {
            return unchanged(provider, id, key, charge, "partial refund of " + refunded + " of " + amount
                    + ": not reversed automatically");
        }
        return new ProviderEvent(provider, id, key, Kind.REFUNDED, null, WebhookJson.text(charge, "/id"), null, null,
                null, "refunded");
    }

    /** An event about one of our payments that leaves it as it is (answered ignored once the payment is found). */
    private static ProviderEvent unchanged(String provider, String id, String key, JsonNode charge, String detail) {
        return new ProviderEvent(provider, id, key, Kind.IGNORED, reference(charge), WebhookJson.text(charge, "/id"),
                null, null, null, detail);
    }

    private static java.util.UUID reference(JsonNode charge) {
        return WebhookJson.optionalUuid(charge, "/metadata/" + REFERENCE_KEY);
    }

    /** PromptPay or TrueMoney (wallet, jump app or QR), by the charge's source; null for anything else. */
    private static String providerOf(JsonNode charge) {
        String type = sourceType(charge);
        if (type == null) {
            return null;
        }
        if (type.equals("promptpay")) {
            return Providers.PROMPTPAY;
        }
        return type.equals("truemoney") || type.startsWith("truemoney_") ? Providers.TRUEMONEY : null;
    }

    private static String sourceType(JsonNode charge) {
        return WebhookJson.optionalText(charge, "/source/type");
    }

    private void verifySignature(WebhookRequest request) {
        List<byte[]> secrets = Hmacs.requireSecrets(keys, "Opn");
        String timestamp = request.header(TIMESTAMP_HEADER);
        String signature = request.header(SIGNATURE_HEADER);
        if (timestamp == null || signature == null || signature.length() > 1_000) {
            throw WebhookRejected.signature("missing " + TIMESTAMP_HEADER + " or " + SIGNATURE_HEADER);
        }
        List<String> candidates = Arrays.stream(signature.split(",")).map(String::strip).toList();
        if (!Hmacs.matchesAny(secrets, timestamp, request.body(), candidates)) {
            throw WebhookRejected.signature("no signature matches a configured Opn webhook secret");
        }
        // After the HMAC: a replayed old delivery is refused even though it was once genuine.
        Hmacs.requireFresh(timestamp, config.tolerance(), request.receivedAt());
    }
}
