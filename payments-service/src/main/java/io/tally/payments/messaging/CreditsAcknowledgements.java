package io.tally.payments.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.tally.common.outbox.Transactions;
import io.tally.common.events.EventTypes;
import io.tally.common.events.credits.CreditsClawedBack;
import io.tally.common.events.credits.CreditsGranted;
import io.tally.common.inbox.EventBatches;
import io.tally.common.inbox.InboundEvent;
import io.tally.common.inbox.InboxRepository;
import io.tally.common.inbox.PoisonEventException;
import io.tally.payments.payment.PaymentRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Marks payments credited (CreditsGranted) or clawed back (CreditsClawedBack), batch by batch, so the
 * unreconciled report shows only payments whose credits never landed.
 */
@ApplicationScoped
public class CreditsAcknowledgements {

    public static final String CHANNEL = "payments-in";
    static final String CONSUMER = "payments-credits";

    /** One consumed acknowledgement: which payment, which cycle, granted or clawed back. */
    record Ack(String eventId, String eventType, UUID paymentId, int cycle, boolean granted) {
    }

    private final ObjectMapper json;
    private final EventBatches batches;
    private final Transactions transactions;
    private final InboxRepository inbox;
    private final PaymentRepository payments;

    public CreditsAcknowledgements(ObjectMapper json, EventBatches batches, Transactions transactions,
                                   InboxRepository inbox, PaymentRepository payments) {
        this.json = json;
        this.batches = batches;
        this.transactions = transactions;
        this.inbox = inbox;
        this.payments = payments;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        return batches.consume(batch, this::parse, this::apply);
    }

    private Ack parse(InboundEvent event) {
        if (event.type().equals(EventTypes.CREDITS_GRANTED.name())) {
            CreditsGranted granted = event.dataAs(CreditsGranted.class, json);
            return new Ack(event.id(), event.type(), required(granted.paymentId(), event), Math.max(1, granted.cycle()),
                    true);
        }
        if (event.type().equals(EventTypes.CREDITS_CLAWED_BACK.name())) {
            CreditsClawedBack clawed = event.dataAs(CreditsClawedBack.class, json);
            return new Ack(event.id(), event.type(), required(clawed.paymentId(), event), Math.max(1, clawed.cycle()),
                    false);
        }
        return null;
    }

    private Uni<Void> apply(List<Ack> acks) {
        return transactions.write(conn -> inbox.recordFirstDeliveries(conn, CONSUMER,
                        acks.stream().map(Ack::eventId).toList(), acks.stream().map(Ack::eventType).toList())
                .flatMap(fresh -> {
                    // Marking is idempotent (greatest(cycle)), so the inbox only keeps redeliveries cheap.
                    List<UUID> grantedIds = new ArrayList<>();
                    List<Integer> grantedCycles = new ArrayList<>();
                    List<UUID> clawedIds = new ArrayList<>();
                    List<Integer> clawedCycles = new ArrayList<>();
                    for (Ack ack : acks) {
                        if (!fresh.contains(ack.eventId())) {
                            continue;
                        }
                        (ack.granted() ? grantedIds : clawedIds).add(ack.paymentId());
                        (ack.granted() ? grantedCycles : clawedCycles).add(ack.cycle());
                    }
                    Uni<Void> granted = grantedIds.isEmpty() ? Uni.createFrom().voidItem()
                            : payments.markCredited(conn, grantedIds, grantedCycles);
                    return granted.chain(() -> clawedIds.isEmpty() ? Uni.createFrom().voidItem()
                            : payments.markClawedBack(conn, clawedIds, clawedCycles));
                }));
    }

    private static UUID required(UUID paymentId, InboundEvent event) {
        if (paymentId == null) {
            throw new PoisonEventException("event " + event.id() + " has no paymentId");
        }
        return paymentId;
    }
}
