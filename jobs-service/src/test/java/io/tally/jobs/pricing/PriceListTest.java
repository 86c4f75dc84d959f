package io.tally.jobs.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tally.common.problem.ProblemException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The price rules with the shipped defaults (application.properties), without the service. */
@Tag("unit")
class PriceListTest {

    private static final PriceList PRICES = new PriceList(new PricingConfig() {
        @Override
        public Map<String, Map<String, Long>> millicreditsPerSecond() {
            return Map.of("text_to_video", Map.of("standard", 2000L, "high", 3000L),
                    "image_to_video", Map.of("standard", 2400L, "high", 3600L),
                    "text_to_image", Map.of("standard", 1000L, "high", 2000L));
        }

        @Override
        public Map<String, Integer> resolutionPercent() {
            return Map.of("480p", 50, "720p", 75, "1080p", 100, "4k", 300);
        }

        @Override
        public List<String> customSizes() {
            return List.of("1080x1920", "1920x1080", "1024x1024", "720x1280", "1280x720", "2048x2048");
        }

        @Override
        public List<String> aspectRatios() {
            return List.of("16:9", "9:16", "1:1", "4:3", "3:4", "21:9");
        }

        @Override
        public Map<String, Integer> modelPercent() {
            return Map.of("standard", 100, "turbo", 60, "pro", 200);
        }

        @Override
        public String defaultModel() {
            return "standard";
        }
    });

    private static long cost(String type, int seconds, String resolution, String quality, String model) {
        return PRICES.cost(new JobSpec(type, "a prompt", null, seconds, resolution, "16:9", quality, model, 5));
    }

    @Test
    void theDocumentedExamplesCostWhatTheDocsSay() {
        assertThat(cost("text_to_video", 5, "1080p", "high", "standard")).isEqualTo(15);
        assertThat(cost("text_to_video", 5, "1080p", "standard", "standard")).isEqualTo(10);
        assertThat(cost("image_to_video", 10, "4k", "high", "pro")).isEqualTo(216); // 3.6 × 10 × 3 × 2
        assertThat(cost("text_to_image", 1, "1080p", "standard", "standard")).isEqualTo(1);
        assertThat(cost("text_to_image", 60, "1080p", "high", "standard")).as("an image is one second").isEqualTo(2);
    }

    @Test
    void fractionsRoundUpToAWholeCreditAndNothingIsFree() {
        assertThat(cost("text_to_video", 1, "480p", "standard", "turbo")).isEqualTo(1); // 0.6 credits
        assertThat(cost("text_to_video", 3, "720p", "standard", "turbo")).isEqualTo(3); // 2.7 credits
        assertThat(cost("text_to_image", 1, "480p", "standard", "turbo")).isEqualTo(1); // 0.3 credits
    }

    @Test
    void customSizesArePricedByPixelCountRoundedUp() {
        // 1024×1024 is 50.57 % of 1080p's pixels → 51 %; 5 s standard: 2.0 × 5 × 0.51 = 5.1 → 6 credits.
        assertThat(cost("text_to_video", 5, "1024x1024", "standard", "standard")).isEqualTo(6);
        assertThat(cost("text_to_video", 5, "1080x1920", "standard", "standard"))
                .isEqualTo(cost("text_to_video", 5, "1080p", "standard", "standard"));
    }

    @Test
    void aLongerOrBetterJobNeverCostsLess() {
        for (String type : List.of("text_to_video", "image_to_video")) {
            for (String model : List.of("turbo", "standard", "pro")) {
                long previous = 0;
                for (int seconds = 1; seconds <= 60; seconds++) {
                    long standard = cost(type, seconds, "720p", "standard", model);
                    assertThat(standard).isGreaterThanOrEqualTo(previous).isPositive();
                    assertThat(cost(type, seconds, "720p", "high", model)).isGreaterThanOrEqualTo(standard);
                    assertThat(cost(type, seconds, "4k", "standard", model)).isGreaterThanOrEqualTo(standard);
                    previous = standard;
                }
            }
        }
    }

    @Test
    void unknownValuesAreRefusedNamingTheField() {
        assertThat(refusedField(() -> cost("text_to_video", 5, "8k", "standard", "standard"))).isEqualTo("resolution");
        assertThat(refusedField(() -> cost("text_to_video", 5, "999x999", "standard", "standard"))).isEqualTo("resolution");
        assertThat(refusedField(() -> cost("text_to_video", 5, "1080p", "ultra", "standard"))).isEqualTo("quality");
        assertThat(refusedField(() -> cost("text_to_video", 5, "1080p", "standard", "gpt"))).isEqualTo("model");
    }

    /** The field a 400 validation problem names. */
    private static Object refusedField(Runnable pricing) {
        ProblemException refused = catchThrowableOfType(ProblemException.class, pricing::run);
        assertThat(refused).as("refused").isNotNull();
        assertThat(refused.problem().status()).isEqualTo(400);
        List<?> errors = (List<?>) refused.problem().extensionMembers().get("errors");
        return ((Map<?, ?>) errors.get(0)).get("field");
    }
}
