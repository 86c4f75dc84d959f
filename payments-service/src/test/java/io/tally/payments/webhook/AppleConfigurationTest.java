package io.tally.payments.webhook;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.payments.config.PaymentsConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Apple enabled without a bundle id or an environment stops the service at start (AppleVerifier is @Startup). */
@Tag("unit")
class AppleConfigurationTest {

    @Test
    void enabledWithoutABundleIdIsRefused() {
        assertThatThrownBy(() -> AppleVerifier.requireCompleteConfiguration(apple("root.pem", null, "Production")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("TALLY_APPLE_BUNDLE_ID");
        assertThatThrownBy(() -> AppleVerifier.requireCompleteConfiguration(apple("root.pem", " ", "Production")))
                .hasMessageContaining("TALLY_APPLE_BUNDLE_ID");
    }

    @Test
    void enabledWithoutAKnownEnvironmentIsRefused() {
        assertThatThrownBy(() -> AppleVerifier.requireCompleteConfiguration(apple("root.pem", "dev.tally.app", null)))
                .hasMessageContaining("TALLY_APPLE_ENVIRONMENTS");
        assertThatThrownBy(() -> AppleVerifier.requireCompleteConfiguration(apple("root.pem", "dev.tally.app", "Prod")))
                .hasMessageContaining("TALLY_APPLE_ENVIRONMENTS");
    }

    @Test
    void disabledOrCompleteIsAccepted() {
        assertThatCode(() -> AppleVerifier.requireCompleteConfiguration(apple(null, null, null))).doesNotThrowAnyException();
        assertThatCode(() -> AppleVerifier.requireCompleteConfiguration(apple("root.pem", "dev.tally.app",
                "Production,Sandbox"))).doesNotThrowAnyException();
    }

    private static PaymentsConfig.Apple apple(String root, String bundleId, String environments) {
        return new PaymentsConfig.Apple() {
            @Override
            public Optional<String> rootCertificate() {
                return Optional.ofNullable(root);
            }

            @Override
            public Optional<String> bundleId() {
                return Optional.ofNullable(bundleId);
            }

            @Override
            public Optional<List<String>> environments() {
                return Optional.ofNullable(environments).map(list -> List.of(list.split(",")));
            }

            @Override
            public boolean requireAppleExtensions() {
                return true;
            }
        };
    }
}
