package io.tally.payments;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Opn Payments as the tests' provider: charges as Opn's API returns them (put into {@link OpnStandIn}) and webhook
 * deliveries as Opn sends them, signed with {@code Omise-Signature} over {@code timestamp.body} under the
 * base64-decoded webhook secret.
 */
final class OpnWebhooks {

    /** The %test webhook secrets (base64), the current one first. */
    static final String SECRET = "b3BuLXRlc3Qtd2ViaG9vay1zZWNyZXQtY3VycmVudA==";
    static final String PREVIOUS_SECRET = "b3BuLXRlc3Qtd2ViaG9vay1zZWNyZXQtcHJldmlvdXM=";

    private OpnWebhooks() {
    }

    static String newChargeId() {
        return "chrg_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 19);
    }

    /** A charge object as Opn's API (2019-05-29) returns it. */
    static String charge(String id, String sourceType, String status, long amount, String reference, long refunded) {
        return "{\"object\":\"charge\",\"id\":\"" + id + "\",\"location\":\"/charges/" + id + "\",\"livemode\":false,"
                + "\"amount\":" + amount + ",\"currency\":\"thb\",\"status\":\"" + status + "\",\"paid\":"
                + status.equals("successful") + ",\"refunded_amount\":" + refunded + ",\"refundable\":"
                + (refunded < amount) + ",\"failure_code\":" + (status.equals("failed") ? "\"payment_rejected\"" : "null")
                + ",\"failure_message\":" + (status.equals("failed") ? "\"the payment was rejected\"" : "null")
                + ",\"metadata\":" + (reference == null ? "{}" : "{\"tally_reference\":\"" + reference + "\"}")
                + ",\"source\":{\"object\":\"source\",\"id\":\"src_test_" + id.substring(10) + "\",\"type\":\""
                + sourceType + "\",\"flow\":\"" + (sourceType.equals("promptpay") ? "offline" : "redirect")
                + "\",\"amount\":" + amount + ",\"currency\":\"thb\"},\"created_at\":\"" + Instant.now() + "\"}";
    }

    /** Puts the charge, as Opn now has it, into the stand-in. */
    static void atOpn(String chargeId, String charge) {
        String api = ConfigProvider.getConfig().getValue("tally.payments.webhooks.opn.api-url", String.class);
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(api + "/charges/" + chargeId)).PUT(HttpRequest.BodyPublishers.ofString(charge)).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 204) {
                throw new IllegalStateException("the Opn stand-in answered " + response.statusCode());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An Opn event; {@code data} is the object it is about (a charge, or a refund naming its charge). */
    static String event(String key, String data) {
        String id = "evnt_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 19);
        return "{\"object\":\"event\",\"id\":\"" + id + "\",\"livemode\":false,\"location\":\"/events/" + id
                + "\",\"webhook_deliveries\":[],\"key\":\"" + key + "\",\"created_at\":\"" + Instant.now()
                + "\",\"data\":" + data + "}";
    }

    static String refund(String chargeId, long amount) {
        return "{\"object\":\"refund\",\"id\":\"rfnd_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 19)
                + "\",\"livemode\":false,\"amount\":" + amount + ",\"currency\":\"thb\",\"charge\":\"" + chargeId
                + "\",\"created_at\":\"" + Instant.now() + "\"}";
    }

    static Delivery signed(String body) {
        return signed(body, Instant.now().getEpochSecond(), SECRET);
    }

    static Delivery signed(String body, long timestamp, String... secrets) {
        StringBuilder signatures = new StringBuilder();
        for (String secret : secrets) {
            if (!signatures.isEmpty()) {
                signatures.append(',');
            }
            signatures.append(hmac(secret, timestamp + "." + body));
        }
        return new Delivery("opn", body, Map.of("Omise-Signature", signatures.toString(),
                "Omise-Signature-Timestamp", Long.toString(timestamp)));
    }

    private static String hmac(String secretBase64, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secretBase64), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
