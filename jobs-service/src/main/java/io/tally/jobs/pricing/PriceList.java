package io.tally.jobs.pricing;

import io.tally.common.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prices a {@link JobSpec} from the configured rules, and says which values of resolution, model and aspect
 * ratio exist. Integer arithmetic throughout; the only rounding is the final one, up to a whole credit.
 */
@ApplicationScoped
public class PriceList {

    private static final long PIXELS_1080P = 1920L * 1080L;
    private static final Pattern SIZE = Pattern.compile("(\\d{2,5})x(\\d{2,5})");

    private final PricingConfig config;

    public PriceList(PricingConfig config) {
        this.config = config;
    }

    public long cost(JobSpec spec) {
        long rate = rate(spec.type(), spec.quality());
        long seconds = spec.isImage() ? 1 : spec.durationSeconds();
        long resolution = resolutionPercent(spec.resolution());
        long model = modelPercent(spec.model());
        // millicredits × percent × percent: divide by 1000 × 100 × 100, rounding up.
        long scaled = rate * seconds * resolution * model;
        long cost = (scaled + 9_999_999) / 10_000_000;
        return Math.max(1, cost);
    }

    public String defaultModel() {
        return config.defaultModel();
    }

    public boolean knowsModel(String model) {
        return config.modelPercent().containsKey(model);
    }

    public boolean knowsResolution(String resolution) {
        return config.resolutionPercent().containsKey(resolution) || config.customSizes().contains(resolution);
    }

    public boolean knowsAspectRatio(String aspectRatio) {
        return config.aspectRatios().contains(aspectRatio);
    }

    public Set<String> models() {
        return new TreeSet<>(config.modelPercent().keySet());
    }

    public Set<String> resolutions() {
        Set<String> all = new TreeSet<>(config.resolutionPercent().keySet());
        all.addAll(config.customSizes());
        return all;
    }

    public Set<String> aspectRatios() {
        return new TreeSet<>(config.aspectRatios());
    }

    private long rate(String type, String quality) {
        Map<String, Long> byQuality = config.millicreditsPerSecond().get(type);
        Long rate = byQuality == null ? null : byQuality.get(quality);
        if (rate == null) {
            throw ProblemException.invalidField("quality", "no price rule for " + type + " at quality " + quality);
        }
        return rate;
    }

    private long resolutionPercent(String resolution) {
        Integer named = config.resolutionPercent().get(resolution);
        if (named != null) {
            return named;
        }
        Matcher size = SIZE.matcher(resolution);
        if (!config.customSizes().contains(resolution) || !size.matches()) {
            throw ProblemException.invalidField("resolution", "must be one of " + resolutions());
        }
        long pixels = Long.parseLong(size.group(1)) * Long.parseLong(size.group(2));
        return (pixels * 100 + PIXELS_1080P - 1) / PIXELS_1080P;
    }

    private long modelPercent(String model) {
        Integer percent = config.modelPercent().get(model);
        if (percent == null) {
            throw ProblemException.invalidField("model", "must be one of " + models());
        }
        return percent;
    }
}
