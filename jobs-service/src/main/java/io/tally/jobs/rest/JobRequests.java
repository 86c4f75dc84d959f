package io.tally.jobs.rest;

import io.tally.jobs.pricing.JobSpec;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Map;

/**
 * Request bodies of the user API. Cross-field rules live in {@link JobSpecs}; the worker protocol's bodies are the
 * queue's ({@link io.tally.jobs.queue.WorkerRequests}).
 */
public final class JobRequests {

    private JobRequests() {
    }

    public record CreateJob(
            @NotNull @Pattern(regexp = JobSpec.TYPE_PATTERN, message = "must be text_to_video, image_to_video or text_to_image")
            String type,
            @NotBlank String prompt,
            @Size(max = 2048) String imageUrl,
            @Min(1) @Max(60) Integer durationSeconds,
            @Size(max = 16) String resolution,
            @Size(max = 8) String aspectRatio,
            @Pattern(regexp = "standard|high", message = "must be standard or high") String quality,
            @Size(max = 64) String model,
            @Min(0) @Max(10) Integer priority,
            // The caller's own labels, returned and carried in the job's events (CallerMetadata's limits).
            Map<String, String> metadata) {
    }
}
