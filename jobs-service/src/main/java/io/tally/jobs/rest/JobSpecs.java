package io.tally.jobs.rest;

import io.tally.common.problem.Problem;
import io.tally.common.problem.ProblemException;
import io.tally.jobs.config.JobsConfig;
import io.tally.jobs.pricing.JobSpec;
import io.tally.jobs.pricing.PriceList;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Turns a request into a {@link JobSpec}: defaults filled in, cross-field rules checked, 400 on the first breach. */
@ApplicationScoped
public class JobSpecs {

    static final int DEFAULT_DURATION = 5;
    static final String DEFAULT_RESOLUTION = "1080p";
    static final String DEFAULT_ASPECT_RATIO = "16:9";
    static final String DEFAULT_QUALITY = "standard";
    static final int DEFAULT_PRIORITY = 5;
    /** Control characters other than tab and line breaks; PostgreSQL text cannot even hold NUL. */
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]");

    private final PriceList prices;
    private final JobsConfig config;

    public JobSpecs(PriceList prices, JobsConfig config) {
        this.prices = prices;
        this.config = config;
    }

    /**
     * A job as submitted. Priority is ordered before fairness in the claim, and costs nothing: above the default it
     * is the app's to give (a paid plan, say), so only a token with the {@code service} or {@code admin} role may ask
     * for it; a user may only lower their own jobs' priority.
     */
    public JobSpec from(JobRequests.CreateJob request, boolean mayRaisePriority) {
        if (request.priority() != null && request.priority() > DEFAULT_PRIORITY && !mayRaisePriority) {
            throw new ProblemException(Problem.of(403, "priority-reserved", "Priority reserved",
                    "A priority above " + DEFAULT_PRIORITY + " is set by the app's backend (role service) or an admin"));
        }
        String prompt = request.prompt();
        if (prompt.length() > config.maxPromptLength()) {
            throw ProblemException.invalidField("prompt", "must be at most " + config.maxPromptLength() + " characters");
        }
        if (CONTROL.matcher(prompt).find()) {
            throw ProblemException.invalidField("prompt", "must not contain control characters");
        }
        return spec(request.type(), prompt, request.imageUrl(), request.durationSeconds(), request.resolution(),
                request.aspectRatio(), request.quality(), request.model(), request.priority());
    }

    /** The spec of a quote: everything that sets the price, no prompt needed. */
    public JobSpec quote(String type, String imageUrl, Integer duration, String resolution, String aspectRatio,
                         String quality, String model) {
        if (type == null || !type.matches(JobSpec.TYPE_PATTERN)) {
            throw ProblemException.invalidField("type", "must be text_to_video, image_to_video or text_to_image");
        }
        if (duration != null && (duration < 1 || duration > 60)) {
            throw ProblemException.invalidField("durationSeconds", "must be between 1 and 60");
        }
        if (quality != null && !quality.matches("standard|high")) {
            throw ProblemException.invalidField("quality", "must be standard or high");
        }
        // The price does not depend on the image, so a quote for image_to_video needs none.
        String image = JobSpec.IMAGE_TO_VIDEO.equals(type) && imageUrl == null ? "https://example.invalid/quote.png"
                : imageUrl;
        return spec(type, "", image, duration, resolution, aspectRatio, quality, model, null);
    }

    private JobSpec spec(String type, String prompt, String imageUrl, Integer duration, String resolution,
                         String aspectRatio, String quality, String model, Integer priority) {
        if (JobSpec.IMAGE_TO_VIDEO.equals(type)) {
            requireHttpUrl(imageUrl);
        } else if (imageUrl != null) {
            throw ProblemException.invalidField("imageUrl", "only image_to_video takes an imageUrl");
        }
        String res = resolution == null ? DEFAULT_RESOLUTION : resolution.toLowerCase(Locale.ROOT);
        if (!prices.knowsResolution(res)) {
            throw ProblemException.invalidField("resolution", "must be one of " + prices.resolutions());
        }
        String ratio = aspectRatio == null ? DEFAULT_ASPECT_RATIO : aspectRatio;
        if (!prices.knowsAspectRatio(ratio)) {
            throw ProblemException.invalidField("aspectRatio", "must be one of " + prices.aspectRatios());
        }
        String chosenModel = model == null ? prices.defaultModel() : model;
        if (!prices.knowsModel(chosenModel)) {
            throw ProblemException.invalidField("model", "must be one of " + prices.models());
        }
        return new JobSpec(type, prompt, imageUrl, duration == null ? DEFAULT_DURATION : duration, res, ratio,
                quality == null ? DEFAULT_QUALITY : quality, chosenModel, priority == null ? DEFAULT_PRIORITY : priority);
    }

    private static void requireHttpUrl(String imageUrl) {
        if (imageUrl == null || imageUrl.isBlank()) {
            throw ProblemException.invalidField("imageUrl", "is required for image_to_video");
        }
        try {
            URI uri = new URI(imageUrl);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getHost().isBlank()) {
                throw ProblemException.invalidField("imageUrl", "must be an absolute http or https URL");
            }
        } catch (URISyntaxException e) {
            throw ProblemException.invalidField("imageUrl", "must be an absolute http or https URL");
        }
    }
}
