package io.tally.credits.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.tally.common.inbox.EventBatches;
import io.tally.credits.ledger.LedgerBatchExecutor;
import io.tally.credits.ledger.LedgerOperation;
import io.tally.credits.ledger.OperationResult;
import io.tally.credits.ledger.Submitted;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes the saga and payment events in batches: one poll becomes one ledger transaction (inbox rows,
 * effects and outbox events together), so the consumer keeps up with thousands of charges a second. Poison
 * records are dead-lettered one by one and the rest of the batch goes on. The batch is acknowledged only after
 * its transaction committed; if the database is unreachable the batch is retried until it is back.
 *
 * <p>A refused job request was answered with an event by the ledger (ChargeRejected, RefundRejected), so the saga
 * ends; anything but a plain lack of credits is logged. A refused grant or clawback has no one waiting for an
 * answer and means a payments bug or a bad replay: it is dead-lettered with the reason, for an operator.
 */
@ApplicationScoped
public class LedgerEventConsumer {

    public static final String CHANNEL = "credits-in";
    private static final Logger LOG = Logger.getLogger(LedgerEventConsumer.class);

    private final LedgerEventMapper mapper;
    private final LedgerBatchExecutor executor;
    private final EventBatches batches;

    public LedgerEventConsumer(ObjectMapper json, LedgerBatchExecutor executor, EventBatches batches) {
        this.mapper = new LedgerEventMapper(json);
        this.executor = executor;
        this.batches = batches;
    }

    /** A consumed event as the operation it asks for. */
    private record Consumed(LedgerOperation operation, String eventId, String eventType) {
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        EventBatches.Parsed<Consumed> parsed = batches.parse(batch, event -> mapper.handles(event.type())
                ? new Consumed(mapper.toOperation(event), event.id(), event.type()) : null);
        List<Submitted> operations = new ArrayList<>(parsed.items().size());
        for (int i = 0; i < parsed.items().size(); i++) {
            Consumed consumed = parsed.items().get(i);
            // The outcome event continues the trace in the span this event is processed in.
            operations.add(Submitted.fromEvent(consumed.operation(), consumed.eventId(), consumed.eventType(),
                    parsed.traceParent(i)));
        }
        // Any failure of the whole batch is retried, not only a transient one: the executor already answers an
        // operation that fails on its own as FAILED (dead-lettered below), so what fails the whole is the database,
        // and skipping a batch of money events is never the way out.
        return parsed.deadLettered()
                .chain(() -> operations.isEmpty() ? Uni.createFrom().item(List.<OperationResult>of())
                        : EventBatches.retrying(() -> executor.execute(operations), failure -> true))
                .flatMap(results -> batches.deadLetter(parsed,
                        i -> deadLetterReason(parsed.items().get(i), results.get(i))))
                .chain(() -> Uni.createFrom().completionStage(batch.ack()))
                .onTermination().invoke(parsed::endSpans);
    }

    /**
     * Why the event goes to the dead-letter topic (it failed, or a payment event was refused), or null when it does
     * not; a refusal other than a plain lack of credits is logged either way.
     */
    private static String deadLetterReason(Consumed consumed, OperationResult result) {
        if (result.status() == OperationResult.Status.FAILED) {
            return "ledger operation failed: " + result.body();
        }
        if (result.status() != OperationResult.Status.REFUSED) {
            return null;
        }
        LedgerOperation op = consumed.operation();
        String detail = result.problem().detail();
        if (op instanceof LedgerOperation.Grant || op instanceof LedgerOperation.Clawback) {
            LOG.errorf("%s %s refused, dead-lettered: %s", consumed.eventType(), consumed.eventId(), detail);
            return "ledger refused " + op.key() + ": " + detail;
        }
        if (result.problem().status() != 402) {
            LOG.warnf("%s %s refused and answered: %s", consumed.eventType(), consumed.eventId(), detail);
        }
        return null;
    }
}
