package io.tally.payments.webhook;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A provider's live and test modes (Stripe's and Opn's {@code livemode}): a deployment takes events of its own mode
 * only, so a test-mode payment, which costs nothing to make, can never credit a live deployment, nor the reverse.
 */
final class LiveMode {

    private LiveMode() {
    }

    /** Refuses an event whose boolean {@code livemode} is missing or not the deployment's. */
    static void require(JsonNode event, boolean live) {
        JsonNode livemode = event.get("livemode");
        if (livemode == null || !livemode.isBoolean()) {
            throw WebhookRejected.malformed("missing or non-boolean livemode");
        }
        if (livemode.booleanValue() != live) {
            throw WebhookRejected.malformed((livemode.booleanValue() ? "a live-mode" : "a test-mode")
                    + " event, and this deployment takes " + (live ? "live" : "test") + "-mode events only");
        }
    }
}
