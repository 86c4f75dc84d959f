package io.tally.payments.webhook;

import io.tally.payments.payment.ProviderEvent;

/** One provider's webhook format: verifies the signature on the raw body first, then reads the event. */
public interface WebhookVerifier {

    /** The path segment: {@code POST /webhooks/{provider}}. */
    String provider();

    /** @throws WebhookRejected when the signature is wrong or the body is not the provider's format */
    ProviderEvent verify(WebhookRequest request);

    /** True when verification may block (fetching a remote key set); it then runs on a worker thread. */
    default boolean blocking() {
        return false;
    }
}
