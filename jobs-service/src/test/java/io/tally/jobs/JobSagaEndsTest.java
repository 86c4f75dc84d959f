package io.tally.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.common.events.TallyEvent;
import io.tally.common.events.jobs.JobRefundRequested;
import io.tally.jobs.job.Job;
import io.tally.jobs.job.JobStatus;
import io.tally.jobs.pricing.JobSpec;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every job ends, and a charge that reaches credits is returned even when its answer never reaches jobs
 * (reviews: jobs M6). The state changes alone; JobSagaTest drives the deadline through credits for real.
 */
@Tag("unit")
class JobSagaEndsTest {

    private static final OffsetDateTime NOW = OffsetDateTime.now(ZoneOffset.UTC);

    private static Job pending() {
        return Job.submitted(UUID.randomUUID(), "saga-user", new JobSpec("text_to_video", "p", null, 5, "1080p", "16:9",
                "high", "standard", 5), 15, 3, NOW.minusMinutes(20), null);
    }

    private static long refundRequests(Job job) {
        return job.pendingEvents().stream().filter(JobRefundRequested.class::isInstance).count();
    }

    @Test
    void pastTheDeadlineAPendingJobIsRejectedAndItsChargeIfAnyAskedBack() {
        Job job = pending();
        job.sagaDeadlinePassed(Duration.ofMinutes(10), NOW);
        assertThat(job.getStatus()).isEqualTo(JobStatus.REJECTED);
        assertThat(job.getRejectionReason()).contains("10 minutes");
        assertThat(refundRequests(job)).isEqualTo(1);

        // The charge turns up after all: it is asked back again, and the refund settles it.
        job.charged(NOW, NOW);
        assertThat(job.getChargeStatus()).isEqualTo("refund_requested");
        assertThat(refundRequests(job)).isEqualTo(2);
        job.refunded(15);
        assertThat(job.getChargeStatus()).isEqualTo("refunded");
        assertThat(job.getStatus()).isEqualTo(JobStatus.REJECTED);
    }

    @Test
    void theDeadlineLeavesAJobThatMovedOnAlone() {
        Job job = pending();
        job.charged(NOW, NOW);
        job.sagaDeadlinePassed(Duration.ofMinutes(10), NOW);
        assertThat(job.getStatus()).isEqualTo(JobStatus.QUEUED);
        assertThat(refundRequests(job)).isZero();
    }

    @Test
    void aJobCancelledWhileItsChargeIsInFlightAsksForItBack() {
        Job job = pending();
        job.cancel(NOW);
        assertThat(job.getStatus()).isEqualTo(JobStatus.CANCELLED);
        assertThat(refundRequests(job)).as("in case credits books the charge and its answer is lost").isEqualTo(1);
        assertThat(job.pendingEvents()).extracting(TallyEvent::getClass).contains(JobRefundRequested.class);
    }

    @Test
    void aPartialRefundLeavesTheChargeStanding_andARefusedRefundSettlesTheJobWithoutAskingAgain() {
        Job job = pending();
        job.charged(NOW, NOW);
        job.refunded(5);
        assertThat(job.getChargeStatus()).isEqualTo("charged");
        job.cancel(NOW);
        assertThat(job.getChargeStatus()).isEqualTo("refund_requested");
        assertThat(job.isSettled()).isFalse();

        job.refundRefused("The key job:x:refund was already used with different parameters");
        assertThat(job.getChargeStatus()).isEqualTo("refund_refused");
        assertThat(job.isSettled()).isTrue();
        long asked = refundRequests(job);
        job.askCreditsAgain(NOW);
        assertThat(refundRequests(job)).isEqualTo(asked);
    }
}
