package io.tally.jobs.pricing;

/** What a job asks for, validated and with defaults filled in: everything its price depends on and more. */
public record JobSpec(String type, String prompt, String imageUrl, int durationSeconds, String resolution,
                      String aspectRatio, String quality, String model, int priority) {

    public static final String TEXT_TO_VIDEO = "text_to_video";
    public static final String IMAGE_TO_VIDEO = "image_to_video";
    public static final String TEXT_TO_IMAGE = "text_to_image";
    /** The job types, as a validation pattern. */
    public static final String TYPE_PATTERN = TEXT_TO_VIDEO + "|" + IMAGE_TO_VIDEO + "|" + TEXT_TO_IMAGE;

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isImage() {
        return TEXT_TO_IMAGE.equals(type);
    }
}
