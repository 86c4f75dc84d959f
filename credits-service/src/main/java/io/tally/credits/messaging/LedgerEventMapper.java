package io.tally.credits.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.common.events.EventTypes;
import io.tally.common.events.jobs.JobCaptureRequested;
import io.tally.common.events.jobs.JobRefundRequested;
import io.tally.common.events.jobs.JobRequested;
import io.tally.common.events.jobs.JobVoidRequested;
import io.tally.common.events.payments.PaymentConfirmed;
import io.tally.common.events.payments.PaymentReversed;
import io.tally.common.inbox.InboundEvent;
import io.tally.common.inbox.PoisonEventException;
import io.tally.common.metadata.CallerMetadata;
import io.tally.common.problem.ProblemException;
import io.tally.common.security.CurrentUser;
import io.tally.credits.ledger.LedgerOperation;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns the consumed event types into ledger operations; data outside the contract is poison. A job holds its price
 * (JobRequested), then captures it (JobCaptureRequested) or voids it (JobVoidRequested); JobRefundRequested refunds
 * the jobs charged before holds, and the captured price of a completed job an operator refunds.
 */
final class LedgerEventMapper {

    private static final Set<String> HANDLED = Set.of(EventTypes.JOB_REQUESTED.name(),
            EventTypes.JOB_CAPTURE_REQUESTED.name(), EventTypes.JOB_VOID_REQUESTED.name(),
            EventTypes.JOB_REFUND_REQUESTED.name(), EventTypes.PAYMENT_CONFIRMED.name(),
            EventTypes.PAYMENT_REVERSED.name());

    /** How long a job's hold lasts when its request names no deadline (written before holds). */
    static final Duration UNDATED_JOB_HOLD = Duration.ofDays(1);

    private final ObjectMapper json;

    LedgerEventMapper(ObjectMapper json) {
        this.json = json;
    }

    boolean handles(String type) {
        return HANDLED.contains(type);
    }

    LedgerOperation toOperation(InboundEvent event) {
        String type = event.type();
        if (type.equals(EventTypes.JOB_REQUESTED.name())) {
            JobRequested data = event.dataAs(JobRequested.class, json);
            OffsetDateTime expiresAt = data.holdExpiresAt() != null ? data.holdExpiresAt()
                    : OffsetDateTime.now(ZoneOffset.UTC).plus(UNDATED_JOB_HOLD);
            return new LedgerOperation.JobHold(id(data.jobId(), event), user(data.userId(), event),
                    amount(data.cost(), event), expiresAt, metadata(data.metadata(), event));
        }
        if (type.equals(EventTypes.JOB_CAPTURE_REQUESTED.name())) {
            JobCaptureRequested data = event.dataAs(JobCaptureRequested.class, json);
            if (data.credits() < 0 || data.credits() > LedgerOperation.MAX_AMOUNT) {
                throw new PoisonEventException("event " + event.id() + " captures an amount outside 0.."
                        + LedgerOperation.MAX_AMOUNT);
            }
            return new LedgerOperation.CaptureHold(id(data.jobId(), event), user(data.userId(), event),
                    data.credits());
        }
        if (type.equals(EventTypes.JOB_VOID_REQUESTED.name())) {
            JobVoidRequested data = event.dataAs(JobVoidRequested.class, json);
            return new LedgerOperation.VoidHold(id(data.jobId(), event), user(data.userId(), event), data.reason());
        }
        if (type.equals(EventTypes.JOB_REFUND_REQUESTED.name())) {
            JobRefundRequested data = event.dataAs(JobRefundRequested.class, json);
            return new LedgerOperation.Refund(id(data.jobId(), event), user(data.userId(), event), null, data.reason(),
                    data.adminId());
        }
        if (type.equals(EventTypes.PAYMENT_CONFIRMED.name())) {
            PaymentConfirmed data = event.dataAs(PaymentConfirmed.class, json);
            return new LedgerOperation.Grant(id(data.paymentId(), event), user(data.userId(), event),
                    amount(data.credits(), event), cycle(data.cycle()));
        }
        PaymentReversed data = event.dataAs(PaymentReversed.class, json);
        return new LedgerOperation.Clawback(id(data.paymentId(), event), user(data.userId(), event),
                amount(data.credits(), event), data.reason(), cycle(data.cycle()));
    }

    /** The job's metadata was checked when it was submitted; a record breaking the limits is not from jobs. */
    private static java.util.SortedMap<String, String> metadata(Map<String, String> metadata, InboundEvent event) {
        try {
            return CallerMetadata.checked(metadata);
        } catch (ProblemException outsideTheLimits) {
            throw new PoisonEventException("event " + event.id() + " has metadata outside the limits: "
                    + outsideTheLimits.problem());
        }
    }

    private static UUID id(UUID id, InboundEvent event) {
        if (id == null) {
            throw new PoisonEventException("event " + event.id() + " has no job/payment id");
        }
        return id;
    }

    private static String user(String userId, InboundEvent event) {
        if (userId == null || userId.isBlank() || userId.length() > CurrentUser.MAX_USER_ID_LENGTH) {
            throw new PoisonEventException("event " + event.id() + " has no valid userId");
        }
        return userId;
    }

    /** Events written before the field existed carry no cycle: they were all first confirmations. */
    private static int cycle(int cycle) {
        return Math.max(1, cycle);
    }

    private static long amount(long amount, InboundEvent event) {
        if (amount <= 0 || amount > LedgerOperation.MAX_AMOUNT) {
            throw new PoisonEventException("event " + event.id() + " has an amount outside 1.." + LedgerOperation.MAX_AMOUNT);
        }
        return amount;
    }
}
