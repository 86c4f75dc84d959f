package io.tally.payments.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.payments.config.PaymentsConfig;
import io.tally.payments.payment.ProviderEvent.Kind;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What a Play purchase means once Google Play has answered for it, and the configuration Google needs: enabled without
 * its service account, package name or API key, the service does not start (GoogleVerifier is @Startup).
 */
@Tag("unit")
class GoogleVerifierTest {

    private static JsonNode purchase(String productId, int state, Integer purchaseType, int quantity) {
        return WebhookJson.parse("{\"kind\":\"androidpublisher#productPurchase\",\"purchaseState\":" + state
                + (purchaseType == null ? "" : ",\"purchaseType\":" + purchaseType) + ",\"acknowledgementState\":0,"
                + "\"productId\":\"" + productId + "\",\"quantity\":" + quantity + "}");
    }

    private static Kind kindOf(JsonNode purchase, boolean allowTestPurchases) {
        return GoogleVerifier.ofPurchase("m-1", "oneTimeProductNotification.1", "token-1", "usd-pro", purchase,
                allowTestPurchases).kind();
    }

    @Test
    void onlyAPurchasedPurchaseConfirms() {
        assertThat(kindOf(purchase("usd-pro", 0, null, 1), false)).isEqualTo(Kind.CONFIRMED);
        assertThat(kindOf(purchase("usd-pro", 1, null, 1), false)).isEqualTo(Kind.FAILED);
        assertThat(kindOf(purchase("usd-pro", 2, null, 1), false)).isEqualTo(Kind.IGNORED);
        assertThatThrownBy(() -> kindOf(purchase("usd-pro", 7, null, 1), false)).isInstanceOf(WebhookRejected.class);
    }

    @Test
    void testPurchasesConfirmOnlyWhenAllowed() {
        assertThat(kindOf(purchase("usd-pro", 0, 0, 1), false)).isEqualTo(Kind.IGNORED);
        assertThat(kindOf(purchase("usd-pro", 0, 0, 1), true)).isEqualTo(Kind.CONFIRMED);
        // Promo codes and rewarded products are real purchases.
        assertThat(kindOf(purchase("usd-pro", 0, 1, 1), false)).isEqualTo(Kind.CONFIRMED);
        assertThat(kindOf(purchase("usd-pro", 0, 2, 1), false)).isEqualTo(Kind.CONFIRMED);
    }

    @Test
    void anotherProductOrSeveralAtOnceConfirmNothing() {
        assertThatThrownBy(() -> kindOf(purchase("usd-starter", 0, null, 1), false))
                .isInstanceOf(WebhookRejected.class).hasMessageContaining("usd-starter");
        assertThat(kindOf(purchase("usd-pro", 0, null, 3), false)).isEqualTo(Kind.IGNORED);
    }

    @Test
    void enabledWithoutWhatTheApiNeedsIsRefused() {
        assertThatThrownBy(() -> GoogleVerifier.requireCompleteConfiguration(google("aud", null, "dev.tally.app", "{}")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("TALLY_GOOGLE_PUSH_SERVICE_ACCOUNT");
        assertThatThrownBy(() -> GoogleVerifier.requireCompleteConfiguration(google("aud", "push@x", " ", "{}")))
                .hasMessageContaining("TALLY_GOOGLE_PACKAGE_NAME");
        assertThatThrownBy(() -> GoogleVerifier.requireCompleteConfiguration(google("aud", "push@x", "dev.tally.app",
                null))).hasMessageContaining("TALLY_GOOGLE_SERVICE_ACCOUNT_KEY");
        assertThatCode(() -> GoogleVerifier.requireCompleteConfiguration(google(null, null, null, null)))
                .doesNotThrowAnyException();
        assertThatCode(() -> GoogleVerifier.requireCompleteConfiguration(google("aud", "push@x", "dev.tally.app", "{}")))
                .doesNotThrowAnyException();
    }

    @Test
    void aServiceAccountKeyThatIsNotOneIsRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> GoogleServiceAccount.read("/no/such/key.json"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("TALLY_GOOGLE_SERVICE_ACCOUNT_KEY");
        assertThatThrownBy(() -> GoogleServiceAccount.read("{\"type\":\"authorized_user\"}"))
                .hasMessageContaining("service_account");
        assertThatThrownBy(() -> GoogleServiceAccount.read("{\"type\":\"service_account\",\"client_email\":\"a@b\","
                + "\"private_key_id\":\"k1\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nbm90IGEga2V5\\n-----END "
                + "PRIVATE KEY-----\\n\"}")).hasMessageContaining("private_key");
        assertThatThrownBy(() -> GoogleServiceAccount.read("{\"type\":\"service_account\",\"private_key_id\":\"k1\"}"))
                .hasMessageContaining("client_email");
    }

    private static PaymentsConfig.Google google(String audience, String serviceAccount, String packageName,
                                                String key) {
        return new PaymentsConfig.Google() {
            @Override
            public String jwksLocation() {
                return "https://www.googleapis.com/oauth2/v3/certs";
            }

            @Override
            public Optional<String> audience() {
                return Optional.ofNullable(audience);
            }

            @Override
            public Optional<String> serviceAccountEmail() {
                return Optional.ofNullable(serviceAccount);
            }

            @Override
            public Optional<String> packageName() {
                return Optional.ofNullable(packageName);
            }

            @Override
            public Optional<String> serviceAccountKey() {
                return Optional.ofNullable(key);
            }

            @Override
            public String apiUrl() {
                return "https://androidpublisher.googleapis.com";
            }

            @Override
            public Duration apiTimeout() {
                return Duration.ofSeconds(10);
            }

            @Override
            public boolean allowTestPurchases() {
                return false;
            }
        };
    }
}
