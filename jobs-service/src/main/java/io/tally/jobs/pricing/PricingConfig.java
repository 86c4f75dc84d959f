package io.tally.jobs.pricing;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Map;

/**
 * Price rules (defaults in application.properties, each overridable from the environment). A job costs
 * {@code rate(type, quality) × seconds × resolution% × model%}, with rates in thousandths of a credit per
 * second of 1080p output, rounded up to a whole credit. Images are priced as one second.
 */
@ConfigMapping(prefix = "tally.jobs.pricing")
public interface PricingConfig {

    /** type → quality → millicredits per second at 1080p. */
    Map<String, Map<String, Long>> millicreditsPerSecond();

    /** Named resolutions and their price factor in percent of 1080p. */
    Map<String, Integer> resolutionPercent();

    /** Extra sizes accepted as {@code WxH}; priced by pixel count relative to 1920×1080. */
    List<String> customSizes();

    List<String> aspectRatios();

    /** Models a job may name, and their price factor in percent. */
    Map<String, Integer> modelPercent();

    String defaultModel();
}
