package io.tally.jobs.saga;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.common.events.EventTypes;
import io.tally.common.events.credits.ChargeRejected;
import io.tally.common.events.credits.CreditsCharged;
import io.tally.common.events.credits.CreditsRefunded;
import io.tally.common.events.credits.RefundRejected;
import io.tally.common.inbox.InboundEvent;
import io.tally.common.inbox.PoisonEventException;
import java.util.Set;
import java.util.UUID;

/**
 * credits-service's answer about one job, read from its event; data outside the contract is poison. {@code amount}
 * is what a rejected charge needed, or what a refund returned.
 */
record SagaOutcome(String eventId, String eventType, UUID jobId, Kind kind, long amount, long available,
                   String reason) {

    enum Kind { CHARGED, REJECTED, REFUNDED, REFUND_REFUSED }

    static final Set<String> HANDLED = Set.of(EventTypes.CREDITS_CHARGED.name(), EventTypes.CHARGE_REJECTED.name(),
            EventTypes.CREDITS_REFUNDED.name(), EventTypes.REFUND_REJECTED.name());

    static SagaOutcome of(InboundEvent event, ObjectMapper json) {
        String type = event.type();
        if (type.equals(EventTypes.CREDITS_CHARGED.name())) {
            CreditsCharged data = event.dataAs(CreditsCharged.class, json);
            return new SagaOutcome(event.id(), type, jobId(data.jobId(), event), Kind.CHARGED, 0, 0, null);
        }
        if (type.equals(EventTypes.CHARGE_REJECTED.name())) {
            ChargeRejected data = event.dataAs(ChargeRejected.class, json);
            return new SagaOutcome(event.id(), type, jobId(data.jobId(), event), Kind.REJECTED, data.needed(),
                    data.available(), data.reason());
        }
        if (type.equals(EventTypes.REFUND_REJECTED.name())) {
            RefundRejected data = event.dataAs(RefundRejected.class, json);
            return new SagaOutcome(event.id(), type, jobId(data.jobId(), event), Kind.REFUND_REFUSED, 0, 0,
                    data.detail());
        }
        CreditsRefunded data = event.dataAs(CreditsRefunded.class, json);
        return new SagaOutcome(event.id(), type, jobId(data.jobId(), event), Kind.REFUNDED, data.amount(), 0, null);
    }

    private static UUID jobId(UUID id, InboundEvent event) {
        if (id == null) {
            throw new PoisonEventException("event " + event.id() + " has no jobId");
        }
        return id;
    }
}
