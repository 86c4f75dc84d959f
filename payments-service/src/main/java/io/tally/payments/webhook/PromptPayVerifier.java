package io.tally.payments.webhook;

import io.tally.payments.config.PaymentsConfig;
import io.tally.payments.payment.Providers;
import jakarta.inject.Singleton;

@Singleton
public class PromptPayVerifier extends GatewayHmacVerifier {

    public PromptPayVerifier(PaymentsConfig config) {
        super(config.webhooks().promptpay());
    }

    @Override
    public String provider() {
        return Providers.PROMPTPAY;
    }
}
