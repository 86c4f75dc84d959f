package io.tally.common.inbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.common.events.CloudEventHeaders;
import io.tally.common.events.TallyEvent;
import io.tally.common.tracing.EventTracing;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A consumed event: its CloudEvents attributes from the Kafka headers, its JSON data, and the W3C traceparent of
 * the span that published it (null when it was published outside a trace).
 */
public record InboundEvent(String id, String type, String source, String subject, String data, String traceParent) {

    /**
     * Reads the envelope of a record consumed from {@code topic}; a record without ce_id or ce_type is poison, one
     * its topic's owner did not publish is forged ({@link EventProvenance}).
     */
    public static InboundEvent from(String topic, Headers headers, String value) {
        String id = header(headers, CloudEventHeaders.ID);
        String type = header(headers, CloudEventHeaders.TYPE);
        if (id == null || id.isBlank() || id.length() > 200) {
            throw new PoisonEventException("missing or invalid ce_id header");
        }
        if (type == null || type.isBlank()) {
            throw new PoisonEventException("missing ce_type header on event " + id);
        }
        String source = header(headers, CloudEventHeaders.SOURCE);
        EventProvenance.verify(topic, id, type, source);
        if (value == null) {
            throw new PoisonEventException("event " + id + " has no data");
        }
        return new InboundEvent(id, type, source, header(headers, CloudEventHeaders.SUBJECT), value,
                header(headers, EventTracing.TRACEPARENT));
    }

    /** Binds the data to its record; data that does not fit the contract is poison. */
    public <T extends TallyEvent> T dataAs(Class<T> dataClass, ObjectMapper json) {
        try {
            T data = json.readValue(data(), dataClass);
            if (data == null) {
                throw new PoisonEventException("event " + id + " has null data");
            }
            return data;
        } catch (java.io.IOException e) {
            throw new PoisonEventException("event " + id + " data is not a valid " + dataClass.getSimpleName()
                    + ": " + e.getMessage());
        }
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
