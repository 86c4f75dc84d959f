package io.tally.jobs.queue;

import io.tally.jobs.pricing.JobSpec;
import jakarta.validation.Valid;
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
import java.util.Map;
import java.util.UUID;

/** The worker protocol's request bodies: what a worker may ask of the queue (validated at the REST edge). */
public final class WorkerRequests {

    private WorkerRequests() {
    }

    public record Claim(
            @Size(max = 3) List<@NotNull @Pattern(regexp = JobSpec.TYPE_PATTERN, message = "must be a job type") String> types,
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
            @Size(max = 200) String providerJobId,
            // The job's final price in credits, at most what it holds (null: the price it was quoted).
            @Min(0) Long credits) {
    }

    public record Fail(@NotNull UUID leaseToken, @NotBlank @Size(max = 2000) String error, Boolean retryable) {
    }

    /**
     * Many reports in one call, keyed by job id and applied in the order given (completions first), then, when
     * {@code claim} is there, the next claim once they committed: a worker's whole round trip.
     */
    public record Reports(
            Map<@NotNull UUID, @Valid @NotNull Complete> complete,
            Map<@NotNull UUID, @Valid @NotNull Fail> fail,
            @Valid Claim claim) {

        public Map<UUID, Complete> completions() {
            return complete == null ? Map.of() : complete;
        }

        public Map<UUID, Fail> failures() {
            return fail == null ? Map.of() : fail;
        }
    }
}
