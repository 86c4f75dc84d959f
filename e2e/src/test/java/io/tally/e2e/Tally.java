package io.tally.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.common.testing.StripeSignatures;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

/**
 * Tally's public API in the words of its clients: an app's users (buy, submit, gift, watch), a worker fleet
 * (claim, heartbeat, complete, fail), a payment provider (signed Stripe-format webhooks) and an admin console.
 * Every call is plain HTTP to the running processes.
 */
final class Tally {

    static final String ADMIN = Api.bearer("e2e-admin", "admin");

    record Purchase(String paymentId, String reference, String intentId, long amountMinor, String currency, long credits) {
    }

    /** A claimed job, with the lease length its worker asked for (its heartbeats ask for the same again). */
    record Claimed(String jobId, String leaseToken, String type, int leaseSeconds) {
    }

    private final Api api;

    Tally(Stack stack) {
        this.api = new Api(stack);
    }

    Api api() {
        return api;
    }

    // ------------------------------------------------------------------------------------------------ credits

    JsonNode account(String user) {
        return ok(api.get("credits", "/credits/me", Api.bearer(user)));
    }

    long balance(String user) {
        return account(user).get("balance").asLong();
    }

    /** The user's statement, newest first (one page of up to 200 lines). */
    JsonNode statement(String user) {
        return ok(api.get("credits", "/credits/me/statement?limit=200", Api.bearer(user))).get("lines");
    }

    Api.Answer gift(String sender, String recipient, String giftType) {
        return api.post("credits", "/credits/gifts", Api.bearer(sender),
                Map.of("recipientId", recipient, "giftType", giftType), Map.of("Idempotency-Key", newKey()));
    }

    /** An admin grants promotional credits of {@code campaign}, expiring at {@code expiresAt}. */
    Api.Answer promote(String user, String campaign, long amount, java.time.OffsetDateTime expiresAt) {
        return api.post("credits", "/credits/promotions", ADMIN,
                Map.of("userId", user, "campaign", campaign, "amount", amount, "expiresAt", expiresAt.toString()),
                Map.of());
    }

    JsonNode reconciliation() {
        return ok(api.get("credits", "/credits/admin/reconciliation", ADMIN));
    }

    // ---------------------------------------------------------------------------------------------- payments

    /** Checkout, then the provider's signed confirmation: what an app does when a user pays by card. */
    Purchase buy(String user, String packageCode) {
        return confirmed(checkout(user, packageCode, newKey()));
    }

    /** {@link #buy}, the checkout made by a client that traces its calls (it sends its W3C traceparent). */
    Purchase buyInTrace(String user, String packageCode, String traceParent) {
        return confirmed(checkout(user, packageCode, newKey(), Map.of("traceparent", traceParent)));
    }

    private Purchase confirmed(Purchase purchase) {
        JsonNode receipt = ok(stripeWebhook(succeeded(purchase)));
        if (!receipt.get("outcome").asText().equals("applied")) {
            throw new AssertionError("confirmation not applied: " + receipt);
        }
        return purchase;
    }

    /** A pending payment; the intent id is the one the provider will name in its webhooks. */
    Purchase checkout(String user, String packageCode, String idempotencyKey) {
        return checkout(user, packageCode, idempotencyKey, Map.of());
    }

    private Purchase checkout(String user, String packageCode, String idempotencyKey, Map<String, String> headers) {
        Map<String, String> allHeaders = new HashMap<>(headers);
        allHeaders.put("Idempotency-Key", idempotencyKey);
        JsonNode payment = ok(api.post("payments", "/payments/checkout", Api.bearer(user),
                Map.of("packageCode", packageCode, "provider", "stripe"), allHeaders));
        return new Purchase(payment.get("id").asText(), payment.get("reference").asText(),
                "pi_e2e_" + UUID.randomUUID().toString().replace("-", ""), payment.get("amountMinor").asLong(),
                payment.get("currency").asText(), payment.get("credits").asLong());
    }

    static String succeeded(Purchase purchase) {
        return "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"payment_intent.succeeded\",\"livemode\":false,\"data\":{\"object\":"
                + "{\"id\":\"" + purchase.intentId() + "\",\"object\":\"payment_intent\",\"amount\":" + purchase.amountMinor()
                + ",\"amount_received\":" + purchase.amountMinor() + ",\"currency\":\"" + purchase.currency().toLowerCase()
                + "\",\"status\":\"succeeded\",\"metadata\":{\"tally_reference\":\"" + purchase.reference() + "\"}}}}";
    }

    static String fullyRefunded(Purchase purchase) {
        return "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"charge.refunded\",\"livemode\":false,\"data\":{\"object\":"
                + "{\"id\":\"ch_" + UUID.randomUUID().toString().replace("-", "") + "\",\"object\":\"charge\","
                + "\"payment_intent\":\"" + purchase.intentId() + "\",\"amount\":" + purchase.amountMinor()
                + ",\"amount_refunded\":" + purchase.amountMinor() + ",\"refunded\":true}}}";
    }

    Api.Answer stripeWebhook(String body) {
        return api.post("payments", "/webhooks/stripe", null, body,
                Map.of("Stripe-Signature", StripeSignatures.header(Stack.STRIPE_SECRET, body)));
    }

    JsonNode payment(String user, String paymentId) {
        return ok(api.get("payments", "/payments/" + paymentId, Api.bearer(user)));
    }

    // -------------------------------------------------------------------------------------------------- jobs

    static Map<String, Object> jobOf(String type) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("type", type);
        job.put("prompt", "e2e " + type + " of a lighthouse at dusk");
        job.put("quality", "standard");
        job.put("durationSeconds", 2);
        if (type.equals("image_to_video")) {
            job.put("imageUrl", "https://images.example/lighthouse.png");
        }
        return job;
    }

    Api.Answer submit(String user, String type, String idempotencyKey) {
        return api.post("jobs", "/jobs", Api.bearer(user), jobOf(type), Map.of("Idempotency-Key", idempotencyKey));
    }

    String submitted(String user, String type) {
        return accepted(submit(user, type, newKey()));
    }

    /** Submits as a client that traces its calls would: the request carries its W3C {@code traceparent}. */
    String submittedInTrace(String user, String type, String traceParent) {
        return accepted(api.post("jobs", "/jobs", Api.bearer(user), jobOf(type),
                Map.of("Idempotency-Key", newKey(), "traceparent", traceParent)));
    }

    private static String accepted(Api.Answer answer) {
        if (answer.status() != 202) {
            throw new AssertionError("submit answered " + answer.status() + ": " + answer.body());
        }
        return answer.json().get("id").asText();
    }

    JsonNode job(String user, String jobId) {
        return ok(api.get("jobs", "/jobs/" + jobId, Api.bearer(user)));
    }

    String status(String user, String jobId) {
        return job(user, jobId).get("status").asText();
    }

    Api.Answer cancel(String user, String jobId) {
        return api.post("jobs", "/jobs/" + jobId + "/cancel", Api.bearer(user), null, Map.of());
    }

    List<Claimed> claim(String worker, int limit, int leaseSeconds, int waitSeconds) {
        JsonNode answer = ok(api.post("jobs", "/worker/jobs/claim", Api.bearer(worker, "worker"),
                Map.of("limit", limit, "leaseSeconds", leaseSeconds, "waitSeconds", waitSeconds), Map.of()));
        return StreamSupport.stream(answer.get("jobs").spliterator(), false)
                .map(item -> new Claimed(item.get("job").get("id").asText(), item.get("leaseToken").asText(),
                        item.get("job").get("type").asText(), leaseSeconds))
                .toList();
    }

    /**
     * Reports progress and extends the lease by what the claim asked for: a heartbeat without {@code leaseSeconds}
     * gets the service's default lease (300 s), and a worker killed with it would hold the job that long.
     */
    Api.Answer heartbeat(String worker, Claimed job, int progress) {
        return api.post("jobs", "/worker/jobs/" + job.jobId() + "/heartbeat", Api.bearer(worker, "worker"),
                Map.of("leaseToken", job.leaseToken(), "progress", progress, "leaseSeconds", job.leaseSeconds()),
                Map.of());
    }

    Api.Answer complete(String worker, Claimed job) {
        return api.post("jobs", "/worker/jobs/" + job.jobId() + "/complete", Api.bearer(worker, "worker"),
                Map.of("leaseToken", job.leaseToken(), "resultUrl", "https://cdn.example/" + job.jobId() + ".mp4"), Map.of());
    }

    /** Completes the job for a final price below its quote (a shorter render): {@code credits} of its hold. */
    Api.Answer completeFor(String worker, Claimed job, long credits) {
        return api.post("jobs", "/worker/jobs/" + job.jobId() + "/complete", Api.bearer(worker, "worker"),
                Map.of("leaseToken", job.leaseToken(), "resultUrl", "https://cdn.example/" + job.jobId() + ".mp4",
                        "credits", credits), Map.of());
    }

    Api.Answer fail(String worker, Claimed job, boolean retryable) {
        return api.post("jobs", "/worker/jobs/" + job.jobId() + "/fail", Api.bearer(worker, "worker"),
                Map.of("leaseToken", job.leaseToken(), "error", retryable ? "GPU preempted" : "prompt refused by model",
                        "retryable", retryable), Map.of());
    }

    // ---------------------------------------------------------------------------------------------- presence

    String createBox(String streamer) {
        return ok(api.post("presence", "/boxes", Api.bearer(streamer), Map.of("title", "e2e stream"), Map.of()))
                .get("id").asText();
    }

    String join(String viewer, String boxId) {
        return ok(api.post("presence", "/boxes/" + boxId + "/viewers", Api.bearer(viewer), null, Map.of()))
                .get("connectionId").asText();
    }

    Api.Answer leave(String viewer, String boxId, String connectionId) {
        return api.send("presence", "/boxes/" + boxId + "/viewers/" + connectionId, "DELETE", Api.bearer(viewer), null, Map.of());
    }

    boolean published(String boxId) {
        return ok(api.get("presence", "/boxes/" + boxId, Api.bearer("e2e-onlooker"))).get("published").asBoolean();
    }

    // ---------------------------------------------------------------------------------------------- helpers

    static String newKey() {
        return UUID.randomUUID().toString();
    }

    static String user(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    static JsonNode ok(Api.Answer answer) {
        if (answer.status() >= 500) {
            throw new Unavailable(answer);
        }
        if (!answer.ok()) {
            throw new AssertionError("expected 2xx, got " + answer.status() + ": " + answer.body());
        }
        return answer.json();
    }

    /** A 5xx (503 with Retry-After while the database or a dependency is down): a good client waits and retries. */
    static final class Unavailable extends RuntimeException {
        Unavailable(Api.Answer answer) {
            super("unavailable, " + answer.status() + ": " + answer.body());
        }
    }
}
