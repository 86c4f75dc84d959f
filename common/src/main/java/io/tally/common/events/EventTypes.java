package io.tally.common.events;

import io.tally.common.events.credits.ChargeRejected;
import io.tally.common.events.credits.CreditsCharged;
import io.tally.common.events.credits.CreditsClawedBack;
import io.tally.common.events.credits.CreditsGranted;
import io.tally.common.events.credits.CreditsHeld;
import io.tally.common.events.credits.CreditsRefunded;
import io.tally.common.events.credits.EarningsFrozen;
import io.tally.common.events.credits.GiftSent;
import io.tally.common.events.credits.HoldCaptured;
import io.tally.common.events.credits.HoldExpired;
import io.tally.common.events.credits.PromotionExpired;
import io.tally.common.events.credits.PromotionGranted;
import io.tally.common.events.credits.HoldSettlementRefused;
import io.tally.common.events.credits.HoldVoided;
import io.tally.common.events.credits.RefundRejected;
import io.tally.common.events.jobs.JobCancelled;
import io.tally.common.events.jobs.JobCaptureRequested;
import io.tally.common.events.jobs.JobCompleted;
import io.tally.common.events.jobs.JobFailed;
import io.tally.common.events.jobs.JobQueued;
import io.tally.common.events.jobs.JobRefunded;
import io.tally.common.events.jobs.JobRefundRequested;
import io.tally.common.events.jobs.JobRejected;
import io.tally.common.events.jobs.JobRequested;
import io.tally.common.events.jobs.JobStarted;
import io.tally.common.events.jobs.JobVoidRequested;
import io.tally.common.events.payments.PaymentConfirmed;
import io.tally.common.events.payments.PaymentReversed;
import io.tally.common.events.presence.BoxPublished;
import io.tally.common.events.presence.BoxUnpublished;
import io.tally.common.events.presence.ViewerCountChanged;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The catalogue of every event type in the suite (docs/events.md describes the same list). */
public final class EventTypes {

    public static final EventType<CreditsCharged> CREDITS_CHARGED =
            new EventType<>("tally.credits.charged.v1", Topics.CREDITS, CreditsCharged.class);
    public static final EventType<ChargeRejected> CHARGE_REJECTED =
            new EventType<>("tally.credits.charge-rejected.v1", Topics.CREDITS, ChargeRejected.class);
    public static final EventType<CreditsRefunded> CREDITS_REFUNDED =
            new EventType<>("tally.credits.refunded.v1", Topics.CREDITS, CreditsRefunded.class);
    public static final EventType<RefundRejected> REFUND_REJECTED =
            new EventType<>("tally.credits.refund-rejected.v1", Topics.CREDITS, RefundRejected.class);
    public static final EventType<CreditsGranted> CREDITS_GRANTED =
            new EventType<>("tally.credits.granted.v1", Topics.CREDITS, CreditsGranted.class);
    public static final EventType<CreditsClawedBack> CREDITS_CLAWED_BACK =
            new EventType<>("tally.credits.clawed-back.v1", Topics.CREDITS, CreditsClawedBack.class);
    public static final EventType<EarningsFrozen> EARNINGS_FROZEN =
            new EventType<>("tally.credits.earnings-frozen.v1", Topics.CREDITS, EarningsFrozen.class);
    public static final EventType<GiftSent> GIFT_SENT =
            new EventType<>("tally.credits.gift-sent.v1", Topics.CREDITS, GiftSent.class);
    public static final EventType<CreditsHeld> CREDITS_HELD =
            new EventType<>("tally.credits.held.v1", Topics.CREDITS, CreditsHeld.class);
    public static final EventType<HoldCaptured> HOLD_CAPTURED =
            new EventType<>("tally.credits.hold-captured.v1", Topics.CREDITS, HoldCaptured.class);
    public static final EventType<HoldVoided> HOLD_VOIDED =
            new EventType<>("tally.credits.hold-voided.v1", Topics.CREDITS, HoldVoided.class);
    public static final EventType<HoldExpired> HOLD_EXPIRED =
            new EventType<>("tally.credits.hold-expired.v1", Topics.CREDITS, HoldExpired.class);
    public static final EventType<HoldSettlementRefused> HOLD_SETTLEMENT_REFUSED =
            new EventType<>("tally.credits.hold-settlement-refused.v1", Topics.CREDITS, HoldSettlementRefused.class);
    public static final EventType<PromotionGranted> PROMOTION_GRANTED =
            new EventType<>("tally.credits.promotion-granted.v1", Topics.CREDITS, PromotionGranted.class);
    public static final EventType<PromotionExpired> PROMOTION_EXPIRED =
            new EventType<>("tally.credits.promotion-expired.v1", Topics.CREDITS, PromotionExpired.class);

    public static final EventType<JobRequested> JOB_REQUESTED =
            new EventType<>("tally.jobs.requested.v1", Topics.JOBS, JobRequested.class);
    public static final EventType<JobRefundRequested> JOB_REFUND_REQUESTED =
            new EventType<>("tally.jobs.refund-requested.v1", Topics.JOBS, JobRefundRequested.class);
    public static final EventType<JobCaptureRequested> JOB_CAPTURE_REQUESTED =
            new EventType<>("tally.jobs.capture-requested.v1", Topics.JOBS, JobCaptureRequested.class);
    public static final EventType<JobVoidRequested> JOB_VOID_REQUESTED =
            new EventType<>("tally.jobs.void-requested.v1", Topics.JOBS, JobVoidRequested.class);
    public static final EventType<JobQueued> JOB_QUEUED =
            new EventType<>("tally.jobs.queued.v1", Topics.JOBS, JobQueued.class);
    public static final EventType<JobStarted> JOB_STARTED =
            new EventType<>("tally.jobs.started.v1", Topics.JOBS, JobStarted.class);
    public static final EventType<JobCompleted> JOB_COMPLETED =
            new EventType<>("tally.jobs.completed.v1", Topics.JOBS, JobCompleted.class);
    public static final EventType<JobFailed> JOB_FAILED =
            new EventType<>("tally.jobs.failed.v1", Topics.JOBS, JobFailed.class);
    public static final EventType<JobCancelled> JOB_CANCELLED =
            new EventType<>("tally.jobs.cancelled.v1", Topics.JOBS, JobCancelled.class);
    public static final EventType<JobRejected> JOB_REJECTED =
            new EventType<>("tally.jobs.rejected.v1", Topics.JOBS, JobRejected.class);
    public static final EventType<JobRefunded> JOB_REFUNDED =
            new EventType<>("tally.jobs.refunded.v1", Topics.JOBS, JobRefunded.class);

    public static final EventType<PaymentConfirmed> PAYMENT_CONFIRMED =
            new EventType<>("tally.payments.confirmed.v1", Topics.PAYMENTS, PaymentConfirmed.class);
    public static final EventType<PaymentReversed> PAYMENT_REVERSED =
            new EventType<>("tally.payments.reversed.v1", Topics.PAYMENTS, PaymentReversed.class);

    public static final EventType<BoxPublished> BOX_PUBLISHED =
            new EventType<>("tally.presence.box-published.v1", Topics.PRESENCE, BoxPublished.class);
    public static final EventType<BoxUnpublished> BOX_UNPUBLISHED =
            new EventType<>("tally.presence.box-unpublished.v1", Topics.PRESENCE, BoxUnpublished.class);
    public static final EventType<ViewerCountChanged> VIEWER_COUNT_CHANGED =
            new EventType<>("tally.presence.viewer-count-changed.v1", Topics.PRESENCE, ViewerCountChanged.class);

    public static final List<EventType<?>> ALL = List.of(
            CREDITS_CHARGED, CHARGE_REJECTED, CREDITS_REFUNDED, REFUND_REJECTED, CREDITS_GRANTED, CREDITS_CLAWED_BACK, EARNINGS_FROZEN, GIFT_SENT,
            CREDITS_HELD, HOLD_CAPTURED, HOLD_VOIDED, HOLD_EXPIRED, HOLD_SETTLEMENT_REFUSED,
            PROMOTION_GRANTED, PROMOTION_EXPIRED,
            JOB_REQUESTED, JOB_REFUND_REQUESTED, JOB_CAPTURE_REQUESTED, JOB_VOID_REQUESTED, JOB_QUEUED, JOB_STARTED, JOB_COMPLETED, JOB_FAILED, JOB_CANCELLED,
            JOB_REJECTED, JOB_REFUNDED,
            PAYMENT_CONFIRMED, PAYMENT_REVERSED,
            BOX_PUBLISHED, BOX_UNPUBLISHED, VIEWER_COUNT_CHANGED);

    private static final Map<String, EventType<?>> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(EventType::name, Function.identity()));
    private static final Map<Class<?>, EventType<?>> BY_CLASS =
            ALL.stream().collect(Collectors.toUnmodifiableMap(EventType::dataClass, Function.identity()));

    public static Optional<EventType<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The type of a catalogued event; an uncatalogued class is a programming error. */
    @SuppressWarnings("unchecked")
    public static <T extends TallyEvent> EventType<T> of(T event) {
        EventType<?> type = BY_CLASS.get(event.getClass());
        if (type == null) {
            throw new IllegalArgumentException("Event class is not in the catalogue: " + event.getClass().getName());
        }
        return (EventType<T>) type;
    }

    private EventTypes() {
    }
}
