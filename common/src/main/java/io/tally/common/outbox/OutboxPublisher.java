package io.tally.common.outbox;

import io.opentelemetry.api.trace.Span;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.tally.common.ServiceConfig;
import io.tally.common.events.CloudEventHeaders;
import io.tally.common.tracing.EventTracing;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/** Turns an outbox row into a CloudEvents (binary mode) Kafka record and hands it to the producer. */
@ApplicationScoped
public class OutboxPublisher {

    /** The outgoing channel every service configures (acks=all, idempotent producer). */
    public static final String CHANNEL = "tally-outbox";

    private final Emitter<String> emitter;
    private final EventTracing tracing;
    private final String source;

    public OutboxPublisher(@Channel(CHANNEL) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 20_000)
                           Emitter<String> emitter, EventTracing tracing, ServiceConfig service) {
        this.emitter = emitter;
        this.tracing = tracing;
        this.source = CloudEventHeaders.sourceOf(service.name());
    }

    /**
     * Completes when the broker acknowledged the record, exceptionally when the producer gave up. A row written in a
     * trace is sent in a span of that trace, whose context the record carries (the connector's own tracing is off:
     * it would start from the relay's context, which is none of the events').
     */
    CompletableFuture<Void> send(OutboxRecord record) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Span span = tracing.startPublish(record.traceParent(), record.eventType(), record.eventId().toString(),
                record.eventKey(), record.topic(), record.occurredAt().toInstant());
        RecordHeaders headers = new RecordHeaders();
        header(headers, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
        header(headers, CloudEventHeaders.ID, record.eventId().toString());
        header(headers, CloudEventHeaders.TYPE, record.eventType());
        header(headers, CloudEventHeaders.SOURCE, source);
        header(headers, CloudEventHeaders.SUBJECT, record.eventKey());
        header(headers, CloudEventHeaders.TIME, DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(record.occurredAt()));
        header(headers, CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
        String traceParent = EventTracing.traceParentOf(span);
        if (traceParent != null) {
            header(headers, EventTracing.TRACEPARENT, traceParent);
        }
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(record.topic())
                .withKey(record.eventKey())
                .withHeaders(headers)
                .build();
        Message<String> message = Message.of(record.payload(), Metadata.of(metadata))
                .withAck(() -> {
                    span.end();
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    EventTracing.fail(span, failure.toString());
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
        return acked;
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
