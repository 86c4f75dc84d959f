package io.tally.jobs.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.tally.common.events.TallyEvent;
import io.tally.common.events.jobs.JobCancelled;
import io.tally.common.events.jobs.JobCaptureRequested;
import io.tally.common.events.jobs.JobCompleted;
import io.tally.common.events.jobs.JobFailed;
import io.tally.common.events.jobs.JobQueued;
import io.tally.common.events.jobs.JobRefundRequested;
import io.tally.common.events.jobs.JobRefunded;
import io.tally.common.events.jobs.JobRejected;
import io.tally.common.events.jobs.JobRequested;
import io.tally.common.events.jobs.JobStarted;
import io.tally.common.events.jobs.JobVoidRequested;
import io.tally.common.problem.ProblemException;
import io.tally.jobs.pricing.JobSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.UUID;

/**
 * A generation job and its life: every change goes through one of the methods below, each of which checks the
 * transition with {@link JobStatus}, records a history entry and collects the events to put in the outbox.
 * Loaded with a row lock, changed in memory, saved by {@link JobRepository#save} in the same transaction.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Job {

    private final UUID id;
    private final String userId;
    private final String type;
    private final String prompt;
    private final String imageUrl;
    private final int durationSeconds;
    private final String resolution;
    private final String aspectRatio;
    private final String quality;
    private final String model;
    private final long cost;
    private final int priority;
    private final int maxAttempts;
    private final OffsetDateTime createdAt;
    private final String traceParent;
    private final OffsetDateTime holdExpiresAt;
    private final SortedMap<String, String> metadata;

    JobStatus status;
    ChargeStatus chargeStatus;
    String rejectionReason;
    int attempts;
    OffsetDateTime queueKey;
    OffsetDateTime nextRunAt;
    String leaseOwner;
    UUID leaseToken;
    OffsetDateTime leaseExpiresAt;
    boolean cancelRequested;
    int progress;
    String resultUrl;
    String error;
    String providerName;
    String providerJobId;
    BigDecimal providerCost;
    OffsetDateTime sagaRequestedAt;
    OffsetDateTime queuedAt;
    OffsetDateTime startedAt;
    OffsetDateTime finishedAt;
    OffsetDateTime deletedAt;
    OffsetDateTime updatedAt;
    Long price;
    Long captured;
    Long availableAfter;

    private final transient List<HistoryEntry> history = new ArrayList<>();
    private final transient List<TallyEvent> events = new ArrayList<>();
    private transient boolean dirty;

    Job(UUID id, String userId, String type, String prompt, String imageUrl, int durationSeconds, String resolution,
        String aspectRatio, String quality, String model, long cost, int priority, int maxAttempts,
        OffsetDateTime createdAt, String traceParent, OffsetDateTime holdExpiresAt, SortedMap<String, String> metadata) {
        this.id = id;
        this.userId = userId;
        this.type = type;
        this.prompt = prompt;
        this.imageUrl = imageUrl;
        this.durationSeconds = durationSeconds;
        this.resolution = resolution;
        this.aspectRatio = aspectRatio;
        this.quality = quality;
        this.model = model;
        this.cost = cost;
        this.priority = priority;
        this.maxAttempts = maxAttempts;
        this.createdAt = createdAt;
        this.traceParent = traceParent;
        this.holdExpiresAt = holdExpiresAt;
        this.metadata = metadata;
    }

    /**
     * A new job, waiting for the hold of its price.
     *
     * @param traceParent the submitting request's trace, which every event of the job continues (null: untraced)
     * @param holdLifetime how long the job may take: its hold expires by itself after that
     * @param metadata the caller's labels (checked, null when none), returned and carried in the job's events
     */
    public static Job submitted(UUID id, String userId, JobSpec spec, long cost, int maxAttempts, OffsetDateTime now,
                                String traceParent, Duration holdLifetime, SortedMap<String, String> metadata) {
        Job job = new Job(id, userId, spec.type(), spec.prompt(), spec.imageUrl(), spec.durationSeconds(),
                spec.resolution(), spec.aspectRatio(), spec.quality(), spec.model(), cost, spec.priority(),
                maxAttempts, now, traceParent, now.plus(holdLifetime), metadata);
        job.status = JobStatus.PENDING;
        job.chargeStatus = ChargeStatus.NONE;
        job.sagaRequestedAt = now;
        job.updatedAt = now;
        job.history.add(new HistoryEntry(id, JobStatus.PENDING, 0, "waiting for a hold of " + cost + " credits"));
        job.events.add(new JobRequested(id, userId, cost, job.holdExpiresAt, job.metadata));
        return job;
    }

    // --- Saga ----------------------------------------------------------------------------------------------

    /** Whether a placed hold (or booked charge) would queue this job (it is waiting for its first one). */
    public boolean awaitsCharge() {
        return status == JobStatus.PENDING && chargeStatus == ChargeStatus.NONE;
    }

    /**
     * credits placed the job's hold ({@code availableAfter}: what the user has left to spend). A job cancelled or
     * rejected while the hold was in flight asks for it to be voided at once.
     */
    public void held(OffsetDateTime virtualQueueTime, OffsetDateTime now, long availableAfter) {
        if (chargeStatus != ChargeStatus.NONE) {
            return; // a repeated answer to a re-asked hold
        }
        this.availableAfter = availableAfter;
        paidFor(ChargeStatus.HELD, virtualQueueTime, now, "hold arrived after the job was " + status);
    }

    /** credits booked a charge: the answer to a job requested before holds, or to a replayed old request. */
    public void charged(OffsetDateTime virtualQueueTime, OffsetDateTime now) {
        if (chargeStatus != ChargeStatus.NONE) {
            return; // a repeated answer to a re-asked charge
        }
        paidFor(ChargeStatus.CHARGED, virtualQueueTime, now, "charge arrived after the job was " + status);
    }

    private void paidFor(ChargeStatus how, OffsetDateTime virtualQueueTime, OffsetDateTime now, String lateReason) {
        boolean queue = awaitsCharge();
        chargeStatus = how;
        dirty = true;
        if (queue) {
            moveTo(JobStatus.QUEUED, null);
            queuedAt = now;
            nextRunAt = now;
            queueKey = virtualQueueTime;
            events.add(new JobQueued(id, userId, type, priority, cost, metadata));
        } else {
            requestRelease(lateReason);
        }
    }

    /** credits captured {@code amount} of the hold (the job's final price) and released the rest. */
    public void captured(long amount) {
        if (chargeStatus == ChargeStatus.CAPTURED) {
            return;
        }
        chargeStatus = ChargeStatus.CAPTURED;
        captured = amount;
        dirty = true;
        history.add(new HistoryEntry(id, status, progress, amount == cost ? "charged " + amount + " credits"
                : "charged " + amount + " of the " + cost + " credits held; " + (cost - amount) + " released"));
    }

    /**
     * The hold went back to the user: voided as asked, or expired at the job's deadline. A job still waiting or
     * running when its hold expires has run out of time: a waiting one fails now, a running one is stopped at its
     * worker's next heartbeat (as a cancel is). A completed job whose hold expired before its capture was not paid
     * for, and its history says so.
     */
    public void released(long amount, boolean expired, OffsetDateTime now) {
        if (chargeStatus == ChargeStatus.VOIDED || chargeStatus == ChargeStatus.CAPTURED) {
            return;
        }
        boolean awaitedCapture = chargeStatus == ChargeStatus.CAPTURE_REQUESTED;
        chargeStatus = ChargeStatus.VOIDED;
        dirty = true;
        if (expired) {
            history.add(new HistoryEntry(id, status, progress, "the hold of " + amount
                    + " credits expired at the job's deadline " + holdExpiresAt));
        }
        if (awaitedCapture) {
            history.add(new HistoryEntry(id, status, progress, "the hold was released before its capture landed: "
                    + "the result was not paid for"));
        }
        if (status.isRunnable()) {
            error = expired ? "the job's deadline passed before it could run"
                    : "its credit hold was voided before it could run";
            clearLease();
            finishedAt = now;
            moveTo(JobStatus.FAILED, error);
            events.add(new JobFailed(id, userId, error, attempts, metadata));
        } else if (status == JobStatus.PROCESSING) {
            cancelRequested = true;
            return; // the worker's next heartbeat ends it, with nothing left to release
        }
        if (status.canMoveTo(JobStatus.REFUNDED)) {
            events.add(new JobRefunded(id, userId, amount, metadata));
            moveTo(JobStatus.REFUNDED, null);
        }
    }

    /**
     * credits refused to settle the hold and will refuse again. A refused void of a hold that was never placed (the
     * precautionary void after a cancel or deadline while PENDING) means nothing is held: the job is simply over.
     */
    public void settlementRefused(String settlement, String detail) {
        ChargeStatus refused = "capture".equals(settlement) ? ChargeStatus.CAPTURE_REFUSED : ChargeStatus.VOID_REFUSED;
        ChargeStatus asked = "capture".equals(settlement) ? ChargeStatus.CAPTURE_REQUESTED : ChargeStatus.VOID_REQUESTED;
        if (chargeStatus != asked) {
            return;
        }
        chargeStatus = refused;
        dirty = true;
        history.add(new HistoryEntry(id, status, progress, settlement + " refused by credits: " + detail));
    }

    /** credits refused the charge: the job ends here, and the reason says what to do about it. */
    public void rejected(long needed, long available, String reason) {
        if (status != JobStatus.PENDING) {
            return;
        }
        rejectionReason = switch (reason == null ? "" : reason) {
            case "account_in_debt" -> "Your account has an unpaid balance; buy credits to clear it before starting new jobs";
            case "conflict" -> "This job's charge conflicts with an earlier one for the same job id; contact support";
            default -> "Insufficient credits: you have " + available + ", this job needs " + needed;
        };
        finishedAt = OffsetDateTime.now();
        moveTo(JobStatus.REJECTED, rejectionReason);
        events.add(new JobRejected(id, userId, reason == null ? "insufficient_credits" : reason, needed, available,
                metadata));
    }

    /**
     * credits returned {@code amount} of the charge. Less than the whole is a backend's partial refund over REST: the
     * job and its charge go on, and the history says what came back. (The refund key is then used, so a later refund
     * of the rest is refused: {@link #refundRefused}.)
     */
    public void refunded(long amount) {
        if (chargeStatus == ChargeStatus.REFUNDED) {
            return;
        }
        long spent = captured != null ? captured : cost;   // a held job spent what was captured
        if (amount < spent) {
            history.add(new HistoryEntry(id, status, progress, "partly refunded: " + amount + " of " + spent + " credits"));
            dirty = true;
            return;
        }
        chargeStatus = ChargeStatus.REFUNDED;
        dirty = true;
        events.add(new JobRefunded(id, userId, amount, metadata));
        if (status.canMoveTo(JobStatus.REFUNDED)) {
            moveTo(JobStatus.REFUNDED, null);
        }
    }

    /**
     * credits refused the refund and will refuse it again (no charge, another user, a conflicting earlier refund):
     * the saga stops asking, and the job's history says why. Only a refund this job is waiting for is affected; a
     * refusal of the precautionary refund after a deadline or a cancel while PENDING means nothing was charged.
     */
    public void refundRefused(String detail) {
        if (chargeStatus != ChargeStatus.REFUND_REQUESTED) {
            return;
        }
        chargeStatus = ChargeStatus.REFUND_REFUSED;
        dirty = true;
        history.add(new HistoryEntry(id, status, progress, "refund refused by credits: " + detail));
    }

    /**
     * The saga's deadline passed with the job still PENDING: it ends REJECTED, and credits is asked to return the
     * charge in case it booked one whose answer is still on its way or was lost. The refund request follows every
     * charge request of the job on the same partition (both are keyed by the user), so credits sees the charge
     * first if there is one; with none it refuses the refund and nothing is owed. A late CreditsCharged then asks
     * for the refund again ({@link #charged}).
     */
    public void sagaDeadlinePassed(Duration deadline, OffsetDateTime now) {
        if (status != JobStatus.PENDING) {
            return;
        }
        rejectionReason = "The charge was not confirmed within " + deadline.toMinutes()
                + " minutes; nothing is owed for this job, submit it again later";
        finishedAt = now;
        moveTo(JobStatus.REJECTED, rejectionReason);
        events.add(new JobRejected(id, userId, "saga_deadline", 0, 0, metadata));
        events.add(new JobVoidRequested(id, userId, "saga deadline passed before the hold was answered"));
    }

    /**
     * The saga sweep asks credits again for an answer that is overdue: the charge of a PENDING job, or the refund
     * of a failed or cancelled one. Both are idempotent at credits (business keys job:{id}:charge / :refund).
     */
    public void askCreditsAgain(OffsetDateTime now) {
        if (status == JobStatus.PENDING) {
            events.add(new JobRequested(id, userId, cost, holdExpiresAt, metadata));
        } else if (chargeStatus == ChargeStatus.CAPTURE_REQUESTED) {
            events.add(new JobCaptureRequested(id, userId, price));
        } else if (chargeStatus == ChargeStatus.VOID_REQUESTED) {
            events.add(new JobVoidRequested(id, userId, "void re-requested after the saga timeout"));
        } else if (chargeStatus == ChargeStatus.REFUND_REQUESTED) {
            events.add(new JobRefundRequested(id, userId, "refund re-requested after the saga timeout"));
        } else {
            return;
        }
        sagaRequestedAt = now;
        dirty = true;
    }

    // --- Operator ------------------------------------------------------------------------------------------

    /**
     * An operator gives a completed job's spend back (a result the user could not use), recorded under their id in the
     * ledger and their name in the job's history: credits is asked to refund
     * what was captured (or charged, before holds), the job stays COMPLETED and its charge goes REFUND_REQUESTED →
     * REFUNDED. Asking again once it is asked for changes nothing, so a resent request refunds once. Anything else
     * has nothing spent to give back: a running job is cancelled instead, a failed one was released already.
     */
    public void refundByOperator(String operatorId, String operatorName, String reason, OffsetDateTime now) {
        if (chargeStatus == ChargeStatus.REFUND_REQUESTED || chargeStatus == ChargeStatus.REFUNDED) {
            return;
        }
        if (status != JobStatus.COMPLETED
                || (chargeStatus != ChargeStatus.CAPTURED && chargeStatus != ChargeStatus.CHARGED)) {
            throw ProblemException.conflict("job-not-refundable", "Job " + id + " is " + status + " with its charge "
                    + chargeStatus.dbValue() + ": only a completed job's captured charge can be refunded"
                    + (status.isFinished() ? "" : " (cancel a job that has not ended)"));
        }
        chargeStatus = ChargeStatus.REFUND_REQUESTED;
        sagaRequestedAt = now;
        dirty = true;
        history.add(new HistoryEntry(id, status, progress, "refund asked for by " + operatorName + ": " + reason));
        events.add(new JobRefundRequested(id, userId, reason, operatorId));
    }

    // --- User ----------------------------------------------------------------------------------------------

    /**
     * Cancels a job that is waiting (refunding its charge if there is one); a running job is only marked, and its
     * worker learns it on the next heartbeat. Cancelling a cancelled job changes nothing.
     */
    public void cancel(OffsetDateTime now) {
        if (status == JobStatus.CANCELLED || (status == JobStatus.REFUNDED && cancelRequested)) {
            return; // already cancelled
        }
        if (status == JobStatus.PROCESSING) {
            if (!cancelRequested) {
                cancelRequested = true;
                dirty = true;
            }
            return;
        }
        JobStatus.requireTransition(status, JobStatus.CANCELLED, "cancel");
        cancelRequested = true;
        endCancelled(now);
    }

    public void softDelete(OffsetDateTime now) {
        if (!status.isFinished()) {
            throw ProblemException.unprocessable("job-not-finished", "Job still running",
                    "Only a finished job can be deleted; this one is " + status + " (cancel it first)");
        }
        if (deletedAt == null) {
            deletedAt = now;
            dirty = true;
        }
    }

    public void restore() {
        if (deletedAt != null) {
            deletedAt = null;
            dirty = true;
        }
    }

    // --- Worker --------------------------------------------------------------------------------------------

    public void claim(String workerId, UUID token, Duration lease, OffsetDateTime now) {
        JobStatus.requireTransition(status, JobStatus.PROCESSING, "claim");
        attempts++;
        leaseOwner = workerId;
        leaseToken = token;
        leaseExpiresAt = now.plus(lease);
        progress = 0;
        if (startedAt == null) {
            startedAt = now;
        }
        moveTo(JobStatus.PROCESSING, "attempt " + attempts); // which worker is the platform's, not the user's
        events.add(new JobStarted(id, userId, workerId, attempts));
    }

    /** Returns true when the user asked to cancel: the job is cancelled now and the worker should stop. */
    public boolean heartbeat(int newProgress, Duration lease, OffsetDateTime now) {
        if (cancelRequested) {
            endCancelled(now);
            return true;
        }
        leaseExpiresAt = now.plus(lease);
        dirty = true;
        if (newProgress != progress) {
            progress = newProgress;
            history.add(new HistoryEntry(id, status, progress, null));
        }
        return false;
    }

    /**
     * The worker delivered the result. {@code credits} is the job's final price (null: its quoted cost), at most what
     * is held: a shorter video than asked for costs less. A held job then asks credits to capture it.
     */
    public void complete(String url, BigDecimal cost, String provider, String providerJob, Long credits,
                         OffsetDateTime now) {
        JobStatus.requireTransition(status, JobStatus.COMPLETED, "complete");
        if (credits != null && credits > this.cost) {
            throw ProblemException.unprocessable("price-exceeds-hold", "Price exceeds the hold",
                    "The job holds " + this.cost + " credits; it cannot be charged " + credits);
        }
        price = credits == null ? this.cost : credits;
        resultUrl = url;
        providerCost = cost;
        providerName = provider;
        providerJobId = providerJob;
        progress = 100;
        finishedAt = now;
        clearLease();
        moveTo(JobStatus.COMPLETED, null);
        events.add(new JobCompleted(id, userId, url, metadata));
        if (chargeStatus == ChargeStatus.HELD) {
            chargeStatus = ChargeStatus.CAPTURE_REQUESTED;
            sagaRequestedAt = now;
            events.add(new JobCaptureRequested(id, userId, price));
        }
    }

    /**
     * One attempt failed (reported by the worker, or its lease expired). A retryable failure with attempts left
     * goes back to the queue after {@code retry}'s backoff; anything else fails the job and refunds it.
     */
    public void attemptFailed(String reason, boolean retryable, RetryPolicy retry, OffsetDateTime now) {
        error = reason;
        clearLease();
        if (cancelRequested) {
            endCancelled(now);
        } else if (retryable && attempts < maxAttempts) {
            nextRunAt = now.plus(retry.delayAfter(attempts));
            queueKey = nextRunAt;
            moveTo(JobStatus.RETRYING, reason);
        } else {
            finishedAt = now;
            moveTo(JobStatus.FAILED, reason);
            events.add(new JobFailed(id, userId, reason, attempts, metadata));
            requestRelease("job failed: " + reason);
        }
    }

    public boolean holdsLease(UUID token) {
        return status == JobStatus.PROCESSING && leaseToken != null && leaseToken.equals(token);
    }

    // --- Internals -----------------------------------------------------------------------------------------

    private void endCancelled(OffsetDateTime now) {
        clearLease();
        finishedAt = now;
        moveTo(JobStatus.CANCELLED, "cancelled by the user");
        events.add(new JobCancelled(id, userId, metadata));
        if (chargeStatus == ChargeStatus.NONE) {
            // Cancelled while its hold was in flight: if credits places it but the answer never comes back, this
            // request (after the hold on the same partition) still voids it; with no hold it is refused.
            events.add(new JobVoidRequested(id, userId, "job cancelled before the hold was answered"));
        }
        requestRelease("job cancelled");
    }

    /** The job ended without a result: its hold is voided (or, charged before holds, its charge refunded). */
    private void requestRelease(String reason) {
        if (chargeStatus == ChargeStatus.HELD) {
            chargeStatus = ChargeStatus.VOID_REQUESTED;
            sagaRequestedAt = OffsetDateTime.now();
            events.add(new JobVoidRequested(id, userId, reason));
            dirty = true;
        } else if (chargeStatus == ChargeStatus.CHARGED) {
            chargeStatus = ChargeStatus.REFUND_REQUESTED;
            sagaRequestedAt = OffsetDateTime.now();
            events.add(new JobRefundRequested(id, userId, reason));
            dirty = true;
        }
    }

    private void clearLease() {
        leaseOwner = null;
        leaseToken = null;
        leaseExpiresAt = null;
    }

    private void moveTo(JobStatus next, String detail) {
        JobStatus.requireTransition(status, next, "move");
        status = next;
        dirty = true;
        history.add(new HistoryEntry(id, next, progress, detail));
    }

    /** Nothing will ever change again: the job is over and no answer about its money is still on its way. */
    @JsonIgnore
    public boolean isSettled() {
        if (!status.isFinished() || chargeStatus.awaitsAnswer()) {
            return false;
        }
        // A failed or cancelled job is settled once nothing of it is held or charged any more.
        return status != JobStatus.FAILED && status != JobStatus.CANCELLED || chargeStatus == ChargeStatus.NONE
                || chargeStatus == ChargeStatus.VOIDED || chargeStatus == ChargeStatus.VOID_REFUSED
                || chargeStatus == ChargeStatus.REFUND_REFUSED;
    }

    @JsonIgnore
    public List<HistoryEntry> pendingHistory() {
        return history;
    }

    /** The trace the job's events are published in (see {@link #submitted}); not part of the API. */
    @JsonIgnore
    public String getTraceParent() {
        return traceParent;
    }

    @JsonIgnore
    public List<TallyEvent> pendingEvents() {
        return events;
    }

    @JsonIgnore
    public boolean isDirty() {
        return dirty;
    }

    // --- What clients see ----------------------------------------------------------------------------------

    public UUID getId() { return id; }
    public String getUserId() { return userId; }
    public JobStatus getStatus() { return status; }
    public String getType() { return type; }
    public String getPrompt() { return prompt; }
    public String getImageUrl() { return imageUrl; }
    public int getDurationSeconds() { return durationSeconds; }
    public String getResolution() { return resolution; }
    public String getAspectRatio() { return aspectRatio; }
    public String getQuality() { return quality; }
    public String getModel() { return model; }
    public long getCost() { return cost; }
    public int getPriority() { return priority; }
    public String getChargeStatus() { return chargeStatus.dbValue(); }
    public String getRejectionReason() { return rejectionReason; }
    public int getAttempts() { return attempts; }
    public int getMaxAttempts() { return maxAttempts; }
    public OffsetDateTime getNextRunAt() { return status.isRunnable() ? nextRunAt : null; }
    public boolean isCancelRequested() { return cancelRequested; }
    public int getProgress() { return progress; }
    public String getResultUrl() { return resultUrl; }
    public String getError() { return error; }
    @JsonIgnore public String getProviderName() { return providerName; }
    @JsonIgnore public String getProviderJobId() { return providerJobId; }
    @JsonIgnore public BigDecimal getProviderCost() { return providerCost; }
    public OffsetDateTime getCreatedAt() { return createdAt; }
    public OffsetDateTime getQueuedAt() { return queuedAt; }
    public OffsetDateTime getStartedAt() { return startedAt; }
    public OffsetDateTime getFinishedAt() { return finishedAt; }
    public OffsetDateTime getDeletedAt() { return deletedAt; }
    public OffsetDateTime getLeaseExpiresAt() { return leaseExpiresAt; }
    /** The job's hold at credits (its own id); null for a job charged before holds. */
    public UUID getHoldId() { return captured != null || !chargeStatus.chargedUpFront() ? id : null; }
    /** The job's deadline: its hold expires by itself then (null for jobs from before holds). */
    public OffsetDateTime getHoldExpiresAt() { return holdExpiresAt; }
    /** The caller's labels, as submitted (null when none). */
    public SortedMap<String, String> getMetadata() { return metadata; }
    /** The final price completion asked to capture. */
    public Long getPrice() { return price; }
    /** What credits captured (the job's charge). */
    public Long getCapturedCredits() { return captured; }
    /** The user's available credits right after the job's hold was placed. */
    public Long getAvailableAfter() { return availableAfter; }
    @JsonIgnore public String getLeaseOwner() { return leaseOwner; }
    @JsonIgnore public UUID getLeaseToken() { return leaseToken; }
}
