package io.tally.common.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/**
 * Traces across Kafka through the outbox. Quarkus traces HTTP requests; an event is published later by the relay,
 * on its own thread, where no request is current. So the W3C {@code traceparent} of the span that caused an event
 * is stored with its outbox row ({@link #currentParent()} when a request writes it), the relay publishes the event
 * in a PRODUCER span under it — started when the event was written, so the span shows the wait in the outbox — and
 * sends that span's context as the record's {@code traceparent} header; a consumer processes it in a CONSUMER span
 * under that header, and the events it writes continue from there. An event nothing traced caused (tracing off, a
 * scheduled sweep) carries no parent and gets no spans, so untraced paths cost nothing.
 */
@ApplicationScoped
public class EventTracing {

    /** The W3C Trace Context header, on HTTP requests and Kafka records alike. */
    public static final String TRACEPARENT = "traceparent";

    private static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    private static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("cloudevents.event_type");
    private static final AttributeKey<String> EVENT_SUBJECT = AttributeKey.stringKey("cloudevents.event_subject");

    private static final TextMapGetter<String> FROM_VALUE = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of(TRACEPARENT);
        }

        @Override
        public String get(String carrier, String key) {
            return TRACEPARENT.equals(key) ? carrier : null;
        }
    };

    private final Tracer tracer;

    public EventTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("io.tally.events");
    }

    /** The current span (the HTTP request being served) as a traceparent; null outside a trace (or tracing off). */
    public static String currentParent() {
        return traceParentOf(Span.current());
    }

    /** {@code 00-<trace id>-<span id>-<flags>}, or null for a span that is not part of a trace. */
    public static String traceParentOf(Span span) {
        SpanContext context = span.getSpanContext();
        if (!context.isValid()) {
            return null;
        }
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
    }

    /** The span an outbox row is published in, or an invalid (no-op) span for a row without a parent. */
    public Span startPublish(String traceParent, String eventType, String eventId, String subject, String topic,
                             Instant written) {
        SpanBuilder builder = eventSpan(traceParent, SpanKind.PRODUCER, eventType, eventId, subject, topic);
        return builder == null ? Span.getInvalid() : builder.setStartTimestamp(written).startSpan();
    }

    /** The span a consumed event is processed in, or an invalid (no-op) span for a record without traceparent. */
    public Span startProcess(String traceParent, String eventType, String eventId, String subject, String topic) {
        SpanBuilder builder = eventSpan(traceParent, SpanKind.CONSUMER, eventType, eventId, subject, topic);
        return builder == null ? Span.getInvalid() : builder.startSpan();
    }

    /** A span of one event under {@code traceParent}, named "publish/process <type>"; null without a parent. */
    private SpanBuilder eventSpan(String traceParent, SpanKind kind, String eventType, String eventId, String subject,
                                  String topic) {
        Context parent = contextOf(traceParent);
        if (parent == null) {
            return null;
        }
        boolean producer = kind == SpanKind.PRODUCER;
        return tracer.spanBuilder((producer ? "publish " : "process ") + eventType)
                .setParent(parent)
                .setSpanKind(kind)
                .setAttribute(MESSAGING_SYSTEM, "kafka")
                .setAttribute(OPERATION, producer ? "send" : "process")
                .setAttribute(DESTINATION, topic)
                .setAttribute(MESSAGE_ID, eventId)
                .setAttribute(EVENT_TYPE, eventType)
                .setAttribute(EVENT_SUBJECT, subject); // a null value sets nothing
    }

    /** Ends a span as failed, with why; a no-op on an invalid span. */
    public static void fail(Span span, String why) {
        span.setStatus(StatusCode.ERROR, why);
        span.end();
    }

    /** The context a traceparent value names, or null when the value is absent or malformed. */
    private static Context contextOf(String traceParent) {
        if (traceParent == null) {
            return null;
        }
        Context extracted = W3CTraceContextPropagator.getInstance().extract(Context.root(), traceParent, FROM_VALUE);
        return Span.fromContext(extracted).getSpanContext().isValid() ? extracted : null;
    }
}
