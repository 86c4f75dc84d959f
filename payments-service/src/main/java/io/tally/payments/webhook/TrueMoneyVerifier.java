package io.tally.payments.webhook;

import io.tally.payments.config.PaymentsConfig;
import io.tally.payments.payment.Providers;
import jakarta.inject.Singleton;

@Singleton
public class TrueMoneyVerifier extends GatewayHmacVerifier {

    public TrueMoneyVerifier(PaymentsConfig config) {
        super(config.webhooks().truemoney());
    }

    @Override
    public String provider() {
        return Providers.TRUEMONEY;
    }
}
