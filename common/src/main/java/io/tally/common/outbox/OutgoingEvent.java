package io.tally.common.outbox;

import io.tally.common.events.TallyEvent;

/**
 * An event to publish and the trace it belongs to: the W3C traceparent of what caused it (see
 * {@link io.tally.common.tracing.EventTracing}), or null when nothing traced did.
 */
public record OutgoingEvent(TallyEvent event, String traceParent) {

    public static OutgoingEvent untraced(TallyEvent event) {
        return new OutgoingEvent(event, null);
    }
}
