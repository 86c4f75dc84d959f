package io.tally.payments;

import com.google.gson.JsonParser;
import com.stripe.model.Charge;
import com.stripe.model.Dispute;
import com.stripe.model.Event;
import com.stripe.model.PaymentIntent;
import com.stripe.model.StripeObject;
import com.stripe.net.Webhook;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Stripe events built with Stripe's own Java library and signed the way Stripe signs them. Every signed delivery
 * is also checked by {@link Webhook#constructEvent}, so a format mistake here fails the test, not production.
 */
final class StripeWebhooks {

    static final String SECRET = "whsec_test_current";
    static final String PREVIOUS_SECRET = "whsec_test_previous";

    private StripeWebhooks() {
    }

    static String newIntentId() {
        return "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    static Event succeeded(String intentId, String reference, long amount, String currency) {
        PaymentIntent intent = intent(intentId, reference, amount, currency, "succeeded");
        intent.setAmountReceived(amount);
        return event("payment_intent.succeeded", intent);
    }

    static Event failed(String intentId, String reference, long amount, String currency) {
        return event("payment_intent.payment_failed", intent(intentId, reference, amount, currency, "requires_payment_method"));
    }

    static Event refunded(String intentId, long amount, boolean full) {
        Charge charge = new Charge();
        charge.setId("ch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24));
        charge.setObject("charge");
        charge.setPaymentIntent(intentId);
        charge.setAmount(amount);
        charge.setAmountRefunded(full ? amount : amount / 2);
        charge.setRefunded(full);
        return event("charge.refunded", charge);
    }

    static Event dispute(String type, String intentId, String status) {
        Dispute dispute = new Dispute();
        dispute.setId("dp_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24));
        dispute.setObject("dispute");
        dispute.setCharge("ch_" + intentId.substring(3));
        dispute.setPaymentIntent(intentId);
        dispute.setStatus(status);
        return event(type, dispute);
    }

    /** Signed now with the current secret. */
    static Delivery signed(Event event) {
        return signed(event, Instant.now().getEpochSecond(), SECRET);
    }

    static Delivery signed(Event event, long timestamp, String... secrets) {
        // StripeObject.toJson is Stripe's own (pretty-printed, nulls kept) rendering, like a real delivery body.
        String payload = event.toJson();
        StringBuilder header = new StringBuilder("t=").append(timestamp);
        for (String secret : secrets) {
            header.append(",v1=").append(hmac(secret, timestamp + "." + payload));
        }
        try {
            // Stripe's verifier accepts what we send (tolerance wide enough for the deliberately old ones).
            Webhook.constructEvent(payload, header.toString(), secrets[0], Long.MAX_VALUE / 2);
        } catch (Exception e) {
            throw new IllegalStateException("Stripe's own library rejects this test delivery", e);
        }
        return new Delivery("stripe", payload, Map.of("Stripe-Signature", header.toString()));
    }

    private static PaymentIntent intent(String id, String reference, long amount, String currency, String status) {
        PaymentIntent intent = new PaymentIntent();
        intent.setId(id);
        intent.setObject("payment_intent");
        intent.setAmount(amount);
        intent.setCurrency(currency.toLowerCase(java.util.Locale.ROOT));
        intent.setStatus(status);
        intent.setMetadata(Map.of("tally_reference", reference));
        return intent;
    }

    private static Event event(String type, StripeObject object) {
        Event.Data data = new Event.Data();
        data.setObject(JsonParser.parseString(object.toJson()).getAsJsonObject());
        Event event = new Event();
        event.setId("evt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24));
        event.setObject("event");
        event.setType(type);
        event.setCreated(Instant.now().getEpochSecond());
        event.setLivemode(false);
        event.setApiVersion("2025-10-29.clover");
        event.setData(data);
        return event;
    }

    private static String hmac(String secret, String signedPayload) {
        try {
            return Webhook.Util.computeHmacSha256(secret, signedPayload);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
