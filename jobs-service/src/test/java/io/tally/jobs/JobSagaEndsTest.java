package io.tally.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.common.events.TallyEvent;
import io.tally.common.events.jobs.JobCaptureRequested;
import io.tally.common.events.jobs.JobFailed;
import io.tally.common.events.jobs.JobRefundRequested;
import io.tally.common.events.jobs.JobRefunded;
import io.tally.common.events.jobs.JobVoidRequested;
import io.tally.common.problem.ProblemException;
import io.tally.jobs.job.Job;
import io.tally.jobs.job.JobStatus;
import io.tally.jobs.job.RetryPolicy;
import io.tally.jobs.pricing.JobSpec;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every job ends, and its money with it: a hold that reaches credits is voided even when its answer never reaches
 * jobs (reviews: jobs M6), a completed job captures its final price, and a job charged before holds is still refunded.
 * The state changes alone; JobSagaTest drives the same through credits for real.
 */
@Tag("unit")
class JobSagaEndsTest {

    private static final OffsetDateTime NOW = OffsetDateTime.now(ZoneOffset.UTC);

    private static Job pending() {
        return Job.submitted(UUID.randomUUID(), "saga-user", new JobSpec("text_to_video", "p", null, 5, "1080p", "16:9",
                "high", "standard", 5), 15, 3, NOW.minusMinutes(20), null, Duration.ofHours(24), null);
    }

    private static Job running() {
        Job job = pending();
        job.held(NOW, NOW, 85);
        job.claim("worker-1", UUID.randomUUID(), Duration.ofMinutes(1), NOW);
        return job;
    }

    private static long count(Job job, Class<? extends TallyEvent> type) {
        return job.pendingEvents().stream().filter(type::isInstance).count();
    }

    @Test
    void pastTheDeadlineAPendingJobIsRejectedAndItsHoldIfAnyVoided() {
        Job job = pending();
        job.sagaDeadlinePassed(Duration.ofMinutes(10), NOW);
        assertThat(job.getStatus()).isEqualTo(JobStatus.REJECTED);
        assertThat(job.getRejectionReason()).contains("10 minutes");
        assertThat(count(job, JobVoidRequested.class)).isEqualTo(1);

        // The hold turns up after all: it is asked to be voided again, and the void settles it.
        job.held(NOW, NOW, 85);
        assertThat(job.getChargeStatus()).isEqualTo("void_requested");
        assertThat(count(job, JobVoidRequested.class)).isEqualTo(2);
        job.released(15, false, NOW);
        assertThat(job.getChargeStatus()).isEqualTo("voided");
        assertThat(job.getStatus()).isEqualTo(JobStatus.REJECTED);
        assertThat(job.isSettled()).isTrue();
    }

    @Test
    void theDeadlineLeavesAJobThatMovedOnAlone() {
        Job job = pending();
        job.held(NOW, NOW, 85);
        job.sagaDeadlinePassed(Duration.ofMinutes(10), NOW);
        assertThat(job.getStatus()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.getAvailableAfter()).isEqualTo(85);
        assertThat(job.getHoldId()).isEqualTo(job.getId());
        assertThat(count(job, JobVoidRequested.class)).isZero();
    }

    @Test
    void aJobCancelledWhileItsHoldIsInFlightAsksForItToBeVoided() {
        Job job = pending();
        job.cancel(NOW);
        assertThat(job.getStatus()).isEqualTo(JobStatus.CANCELLED);
        assertThat(count(job, JobVoidRequested.class)).as("in case credits places the hold and its answer is lost")
                .isEqualTo(1);
        assertThat(count(job, JobRefundRequested.class)).isZero();
    }

    @Test
    void aCompletedJobCapturesItsFinalPrice_atMostWhatItHolds() {
        Job job = running();
        assertThatThrownBy(() -> job.complete("https://cdn/x.mp4", null, null, null, 16L, NOW))
                .isInstanceOf(ProblemException.class).hasMessageContaining("holds 15");
        assertThat(job.getStatus()).isEqualTo(JobStatus.PROCESSING);

        job.complete("https://cdn/x.mp4", null, null, null, 9L, NOW);
        assertThat(job.getChargeStatus()).isEqualTo("capture_requested");
        assertThat(job.pendingEvents()).filteredOn(JobCaptureRequested.class::isInstance)
                .containsExactly(new JobCaptureRequested(job.getId(), "saga-user", 9));
        assertThat(job.isSettled()).as("until credits answers").isFalse();

        job.captured(9);
        assertThat(job.getChargeStatus()).isEqualTo("captured");
        assertThat(job.getCapturedCredits()).isEqualTo(9);
        assertThat(job.isSettled()).isTrue();
    }

    @Test
    void aHoldThatExpiresBeforeItsCaptureLandsLeavesTheResultUnpaid_andSaysSo() {
        Job job = running();
        job.complete("https://cdn/x.mp4", null, null, null, null, NOW);
        job.released(15, true, NOW);
        assertThat(job.getStatus()).isEqualTo(JobStatus.COMPLETED);
        assertThat(job.getChargeStatus()).isEqualTo("voided");
        assertThat(job.pendingHistory()).extracting(h -> h.detail())
                .contains("the hold was released before its capture landed: the result was not paid for");
        job.settlementRefused("capture", "Hold x was already expired");
        assertThat(job.getChargeStatus()).as("the refused capture changes nothing more").isEqualTo("voided");
        assertThat(job.isSettled()).isTrue();
    }

    @Test
    void aFailedJobVoidsItsHold_andTheVoidEndsItRefunded() {
        Job job = running();
        job.attemptFailed("provider down", false, new RetryPolicy(Duration.ZERO, Duration.ZERO, 0), NOW);
        assertThat(job.getChargeStatus()).isEqualTo("void_requested");
        job.released(15, false, NOW);
        assertThat(job.getStatus()).isEqualTo(JobStatus.REFUNDED);
        assertThat(job.pendingEvents()).filteredOn(JobRefunded.class::isInstance)
                .containsExactly(new JobRefunded(job.getId(), "saga-user", 15, null));
    }

    @Test
    void anExpiredHoldFailsAWaitingJob_andStopsARunningOneAtItsNextHeartbeat() {
        Job waiting = pending();
        waiting.held(NOW, NOW, 85);
        waiting.released(15, true, NOW);
        assertThat(waiting.getStatus()).isEqualTo(JobStatus.REFUNDED);
        assertThat(count(waiting, JobFailed.class)).isEqualTo(1);

        Job job = running();
        job.released(15, true, NOW);
        assertThat(job.getStatus()).isEqualTo(JobStatus.PROCESSING);
        assertThat(job.heartbeat(50, Duration.ofMinutes(1), NOW)).as("the worker is told to stop").isTrue();
        assertThat(job.getStatus()).isEqualTo(JobStatus.CANCELLED);
        assertThat(count(job, JobVoidRequested.class)).as("nothing is held any more").isZero();
        assertThat(job.isSettled()).isTrue();
    }

    @Test
    void aRefusedVoidSettlesTheJobWithoutAskingAgain() {
        Job job = pending();
        job.held(NOW, NOW, 85);
        job.cancel(NOW);
        assertThat(job.getChargeStatus()).isEqualTo("void_requested");
        assertThat(job.isSettled()).isFalse();

        job.settlementRefused("void", "Hold x was already expired");
        assertThat(job.getChargeStatus()).isEqualTo("void_refused");
        assertThat(job.isSettled()).isTrue();
        long asked = count(job, JobVoidRequested.class);
        job.askCreditsAgain(NOW);
        assertThat(count(job, JobVoidRequested.class)).isEqualTo(asked);
    }

    @Test
    void aJobChargedBeforeHoldsIsRefunded_andAPartialRefundLeavesTheChargeStanding() {
        Job job = pending();
        job.charged(NOW, NOW);
        assertThat(job.getHoldId()).isNull();
        job.refunded(5);
        assertThat(job.getChargeStatus()).isEqualTo("charged");
        job.cancel(NOW);
        assertThat(job.getChargeStatus()).isEqualTo("refund_requested");
        assertThat(count(job, JobVoidRequested.class)).isZero();
        assertThat(job.isSettled()).isFalse();

        job.refundRefused("The key job:x:refund was already used with different parameters");
        assertThat(job.getChargeStatus()).isEqualTo("refund_refused");
        assertThat(job.isSettled()).isTrue();
        long asked = count(job, JobRefundRequested.class);
        job.askCreditsAgain(NOW);
        assertThat(count(job, JobRefundRequested.class)).isEqualTo(asked);
    }
}
