package io.tally.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.common.problem.ProblemException;
import io.tally.jobs.job.JobStatus;
import io.tally.jobs.job.RetryPolicy;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The state machine, exhaustively: every pair of states is either in this table or refused with a 422. */
@Tag("unit")
class JobStatusTest {

    private static final Map<JobStatus, Set<JobStatus>> LEGAL = Map.of(
            JobStatus.PENDING, EnumSet.of(JobStatus.QUEUED, JobStatus.REJECTED, JobStatus.CANCELLED),
            // A waiting job fails when its deadline passes (its hold expired) before it could run.
            JobStatus.QUEUED, EnumSet.of(JobStatus.PROCESSING, JobStatus.CANCELLED, JobStatus.FAILED),
            JobStatus.PROCESSING, EnumSet.of(JobStatus.COMPLETED, JobStatus.RETRYING, JobStatus.FAILED,
                    JobStatus.CANCELLED),
            JobStatus.RETRYING, EnumSet.of(JobStatus.PROCESSING, JobStatus.CANCELLED, JobStatus.FAILED),
            JobStatus.FAILED, EnumSet.of(JobStatus.REFUNDED),
            JobStatus.CANCELLED, EnumSet.of(JobStatus.REFUNDED));

    @Test
    void exactlyTheDocumentedTransitionsAreLegal() {
        for (JobStatus from : JobStatus.values()) {
            for (JobStatus to : JobStatus.values()) {
                boolean legal = LEGAL.getOrDefault(from, Set.of()).contains(to);
                assertThat(from.canMoveTo(to)).as(from + " → " + to).isEqualTo(legal);
                if (!legal) {
                    assertThatThrownBy(() -> JobStatus.requireTransition(from, to, "test"))
                            .isInstanceOf(ProblemException.class)
                            .satisfies(e -> assertThat(((ProblemException) e).problem().status()).isEqualTo(422));
                }
            }
        }
    }

    @Test
    void theClaimQuerySelectsExactlyTheStatesThatMayStartProcessing() {
        assertThat(JobStatus.sourcesOf(JobStatus.PROCESSING)).containsExactlyInAnyOrder("QUEUED", "RETRYING");
    }

    @Test
    void backoffDoublesPerAttempt_isCapped_andJittersUpward() {
        RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(30), 0.2);
        for (int i = 0; i < 100; i++) {
            assertThat(policy.delayAfter(1)).isBetween(Duration.ofSeconds(2), Duration.ofMillis(2400));
            assertThat(policy.delayAfter(3)).isBetween(Duration.ofSeconds(8), Duration.ofMillis(9600));
            assertThat(policy.delayAfter(40)).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(36));
        }
    }
}
