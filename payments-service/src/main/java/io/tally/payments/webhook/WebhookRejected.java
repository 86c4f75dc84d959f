package io.tally.payments.webhook;

import io.tally.payments.payment.Outcome;

/** A delivery refused before it could touch anything: a bad signature or a body that is not the provider's format. */
public class WebhookRejected extends RuntimeException {

    private final Outcome.Kind outcome;

    private WebhookRejected(Outcome.Kind outcome, String message) {
        super(message, null, false, false);
        this.outcome = outcome;
    }

    public static WebhookRejected signature(String message) {
        return new WebhookRejected(Outcome.Kind.REJECTED_SIGNATURE, message);
    }

    public static WebhookRejected malformed(String message) {
        return new WebhookRejected(Outcome.Kind.REJECTED_MALFORMED, message);
    }

    public Outcome.Kind outcome() {
        return outcome;
    }
}
