package io.tally.jobs.rest;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/** Request bodies of the jobs and worker APIs. Cross-field rules live in {@link JobSpecs}. */
public final class JobRequests {

    static final String TYPES = "text_to_video|image_to_video|text_to_image";

    private JobRequests() {
    }

    public record CreateJob(
            @NotNull @Pattern(regexp = TYPES, message = "must be text_to_video, image_to_video or text_to_image")
            String type,
            @NotBlank String prompt,
            @Size(max = 2048) String imageUrl,
            @Min(1) @Max(60) Integer durationSeconds,
            @Size(max = 16) String resolution,
            @Size(max = 8) String aspectRatio,
            @Pattern(regexp = "standard|high", message = "must be standard or high") String quality,
            @Size(max = 64) String model,
            @Min(0) @Max(10) Integer priority) {
    }

    public record Claim(
            @Size(max = 3) List<@NotNull @Pattern(regexp = TYPES, message = "must be a job type") String> types,
            @Min(1) Integer limit,
            @Min(5) Integer leaseSeconds,
            @Min(0) Integer waitSeconds) {
    }

    public record Heartbeat(@NotNull UUID leaseToken, @Min(0) @Max(100) Integer progress, @Min(5) Integer leaseSeconds) {
    }

    public record Complete(
            @NotNull UUID leaseToken,
            @NotBlank @Size(max = 2048) String resultUrl,
            @DecimalMin("0") @DecimalMax("100000000") BigDecimal providerCost,
            @Size(max = 64) String providerName,
            @Size(max = 200) String providerJobId) {
    }

    public record Fail(@NotNull UUID leaseToken, @NotBlank @Size(max = 2000) String error, Boolean retryable) {
    }
}
