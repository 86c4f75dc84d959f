package io.tally.common.inbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.tally.common.db.Transactions;
import io.tally.common.db.TransientFailures;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * The idempotent consumer. For each record: read the CloudEvents envelope, then in one transaction record the
 * event id in the inbox and apply the handler; a redelivered event finds its id and changes nothing. The
 * message is acknowledged only after the commit.
 *
 * <p>Failures are sorted in three: poison (broken envelope or data) is dead-lettered at once; infrastructure
 * trouble (database unreachable, serialization conflicts) is retried with backoff for as long as it lasts,
 * because nothing else could succeed meanwhile and dead-lettering would lose good events; any other error is
 * retried a bounded number of times and then dead-lettered so the partition moves on.
 */
@ApplicationScoped
public class InboxProcessor {

    private static final Logger LOG = Logger.getLogger(InboxProcessor.class);
    private static final int HANDLER_ATTEMPTS = 3;

    private final Transactions transactions;
    private final InboxRepository inbox;
    private final MeterRegistry registry;

    public InboxProcessor(Transactions transactions, InboxRepository inbox, MeterRegistry registry) {
        this.transactions = transactions;
        this.inbox = inbox;
        this.registry = registry;
    }

    /**
     * Processes one Kafka message for {@code consumer}. Types the handler does not know are acknowledged
     * without effect (a topic carries more event types than any one consumer needs).
     */
    public Uni<Void> process(Message<String> message, String consumer, Set<String> handledTypes,
                             EventHandler handler) {
        InboundEvent event;
        try {
            String topic = message.getMetadata(IncomingKafkaRecordMetadata.class)
                    .map(IncomingKafkaRecordMetadata::getTopic).orElse(null);
            event = InboundEvent.from(topic, headersOf(message), message.getPayload());
        } catch (PoisonEventException e) {
            return deadLetter(message, consumer, e);
        }
        if (!handledTypes.contains(event.type())) {
            count(consumer, "skipped");
            return Uni.createFrom().completionStage(message.ack());
        }
        return applyOnce(consumer, event, handler)
                .onFailure(TransientFailures::is).retry()
                        .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely()
                .onFailure(e -> !(e instanceof PoisonEventException)).retry()
                        .withBackOff(Duration.ofMillis(100), Duration.ofSeconds(1)).atMost(HANDLER_ATTEMPTS - 1)
                .onItemOrFailure().transformToUni((applied, failure) -> {
                    if (failure != null) {
                        return deadLetter(message, consumer, failure);
                    }
                    count(consumer, applied ? "applied" : "duplicate");
                    return Uni.createFrom().completionStage(message.ack());
                });
    }

    private Uni<Boolean> applyOnce(String consumer, InboundEvent event, EventHandler handler) {
        return transactions.write(conn -> inbox.recordFirstDelivery(conn, consumer, event)
                .flatMap(first -> first
                        ? handler.apply(conn, event).replaceWith(Boolean.TRUE)
                        : Uni.createFrom().item(Boolean.FALSE)));
    }

    /** With failure-strategy=dead-letter-queue, the nack sends the record to the DLQ and moves the offset on. */
    private Uni<Void> deadLetter(Message<String> message, String consumer, Throwable cause) {
        count(consumer, "dead_lettered");
        LOG.errorf("Dead-lettering an event for consumer %s: %s", consumer, cause.toString());
        return Uni.createFrom().completionStage(message.nack(cause));
    }

    private void count(String consumer, String outcome) {
        registry.counter("tally.inbox.events", "consumer", consumer, "outcome", outcome).increment();
    }

    private static RecordHeaders headersOf(Message<String> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(meta -> new RecordHeaders(meta.getHeaders().toArray()))
                .orElseGet(RecordHeaders::new);
    }
}
