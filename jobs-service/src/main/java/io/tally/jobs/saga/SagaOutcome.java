package io.tally.jobs.saga;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.common.events.EventTypes;
import io.tally.common.events.credits.ChargeRejected;
import io.tally.common.events.credits.CreditsCharged;
import io.tally.common.events.credits.CreditsHeld;
import io.tally.common.events.credits.CreditsRefunded;
import io.tally.common.events.credits.HoldCaptured;
import io.tally.common.events.credits.HoldExpired;
import io.tally.common.events.credits.HoldSettlementRefused;
import io.tally.common.events.credits.HoldVoided;
import io.tally.common.events.credits.RefundRejected;
import io.tally.common.inbox.InboundEvent;
import io.tally.common.inbox.PoisonEventException;
import java.util.Set;
import java.util.UUID;

/**
 * credits-service's answer about one job, read from its event; data outside the contract is poison. A job's hold has
 * the job's id, so hold events name the job by their {@code holdId} (holds of other backends match no job and are
 * ignored). {@code amount} is what a rejected hold needed, what a capture took, or what a void, expiry or refund gave
 * back; {@code available} what the user had left; {@code reason} says why a refusal refused (for a refused settlement,
 * {@code settlement} is "capture" or "void").
 */
record SagaOutcome(String eventId, String eventType, UUID jobId, Kind kind, long amount, long available,
                   String reason, String settlement) {

    enum Kind { HELD, CHARGED, REJECTED, CAPTURED, VOIDED, EXPIRED, SETTLEMENT_REFUSED, REFUNDED, REFUND_REFUSED }

    static final Set<String> HANDLED = Set.of(EventTypes.CREDITS_HELD.name(), EventTypes.CREDITS_CHARGED.name(),
            EventTypes.CHARGE_REJECTED.name(), EventTypes.HOLD_CAPTURED.name(), EventTypes.HOLD_VOIDED.name(),
            EventTypes.HOLD_EXPIRED.name(), EventTypes.HOLD_SETTLEMENT_REFUSED.name(),
            EventTypes.CREDITS_REFUNDED.name(), EventTypes.REFUND_REJECTED.name());

    static SagaOutcome of(InboundEvent event, ObjectMapper json) {
        String type = event.type();
        if (type.equals(EventTypes.CREDITS_HELD.name())) {
            CreditsHeld data = event.dataAs(CreditsHeld.class, json);
            return of(event, data.holdId(), Kind.HELD, data.amount(), data.availableAfter(), null, null);
        }
        if (type.equals(EventTypes.CREDITS_CHARGED.name())) {
            CreditsCharged data = event.dataAs(CreditsCharged.class, json);
            return of(event, data.jobId(), Kind.CHARGED, 0, 0, null, null);
        }
        if (type.equals(EventTypes.CHARGE_REJECTED.name())) {
            ChargeRejected data = event.dataAs(ChargeRejected.class, json);
            return of(event, data.jobId(), Kind.REJECTED, data.needed(), data.available(), data.reason(), null);
        }
        if (type.equals(EventTypes.HOLD_CAPTURED.name())) {
            HoldCaptured data = event.dataAs(HoldCaptured.class, json);
            return of(event, data.holdId(), Kind.CAPTURED, data.captured(), data.availableAfter(), null, null);
        }
        if (type.equals(EventTypes.HOLD_VOIDED.name())) {
            HoldVoided data = event.dataAs(HoldVoided.class, json);
            return of(event, data.holdId(), Kind.VOIDED, data.released(), data.availableAfter(), null, null);
        }
        if (type.equals(EventTypes.HOLD_EXPIRED.name())) {
            HoldExpired data = event.dataAs(HoldExpired.class, json);
            return of(event, data.holdId(), Kind.EXPIRED, data.released(), data.availableAfter(), null, null);
        }
        if (type.equals(EventTypes.HOLD_SETTLEMENT_REFUSED.name())) {
            HoldSettlementRefused data = event.dataAs(HoldSettlementRefused.class, json);
            return of(event, data.holdId(), Kind.SETTLEMENT_REFUSED, 0, 0, data.detail(), data.settlement());
        }
        if (type.equals(EventTypes.REFUND_REJECTED.name())) {
            RefundRejected data = event.dataAs(RefundRejected.class, json);
            return of(event, data.jobId(), Kind.REFUND_REFUSED, 0, 0, data.detail(), null);
        }
        CreditsRefunded data = event.dataAs(CreditsRefunded.class, json);
        return of(event, data.jobId(), Kind.REFUNDED, data.amount(), 0, null, null);
    }

    private static SagaOutcome of(InboundEvent event, UUID jobId, Kind kind, long amount, long available,
                                  String reason, String settlement) {
        if (jobId == null) {
            throw new PoisonEventException("event " + event.id() + " has no job or hold id");
        }
        return new SagaOutcome(event.id(), event.type(), jobId, kind, amount, available, reason, settlement);
    }
}
