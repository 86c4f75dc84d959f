package io.tally.common.inbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.tally.common.ServiceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Dead-letters single records of a batch consumer (a batch cannot be nacked record by record). The record
 * keeps its key, value and headers, and gains {@code dead-letter-reason}, {@code dead-letter-topic} and
 * {@code dead-letter-offset}, the same header names SmallRye's per-message dead-letter strategy uses.
 */
@ApplicationScoped
public class DeadLetterPublisher {

    public static final String CHANNEL = "tally-dlq";
    private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);

    private final MutinyEmitter<String> emitter;
    private final MeterRegistry registry;
    private final String service;

    public DeadLetterPublisher(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 2048)
                               MutinyEmitter<String> emitter, MeterRegistry registry, ServiceConfig service) {
        this.emitter = emitter;
        this.registry = registry;
        this.service = service.name();
    }

    /**
     * Dead-letters a record that can never be processed; a forged one is also counted on its own
     * (tally.inbox.forged, which an alert watches: somebody wrote where they should not be able to).
     */
    public Uni<Void> publish(KafkaRecord<String, String> record, PoisonEventException cause) {
        if (cause instanceof ForgedEventException) {
            LOG.errorf("Refusing a forged event on %s: %s", record.getTopic(), cause.getMessage());
            registry.counter("tally.inbox.forged", "consumer", service, "topic", record.getTopic()).increment();
        }
        return publish(record, cause.getMessage());
    }

    /** Dead-letters one record of a consumed batch; completes once the broker has the dead letter. */
    public Uni<Void> publish(KafkaRecord<String, String> record, String reason) {
        long offset = record.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset)
                .orElse(-1L);
        return publish(record.getTopic(), offset, record.getKey(), record.getPayload(), record.getHeaders(), reason);
    }

    private Uni<Void> publish(String topic, long offset, String key, String value, Headers original, String reason) {
        LOG.errorf("Dead-lettering a %s record (offset %d, key %s): %s", topic, offset, key, reason);
        registry.counter("tally.inbox.events", "consumer", service, "outcome", "dead_lettered").increment();
        RecordHeaders headers = new RecordHeaders(original.toArray());
        headers.add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", topic.getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", Long.toString(offset).getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(key).withHeaders(headers).build();
        return emitter.sendMessage(Message.of(value == null ? "" : value, Metadata.of(metadata)));
    }
}
