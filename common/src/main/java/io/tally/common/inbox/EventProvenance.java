package io.tally.common.inbox;

import io.tally.common.events.CloudEventHeaders;
import io.tally.common.events.EventType;
import io.tally.common.events.EventTypes;
import io.tally.common.events.Topics;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may say what: an events topic belongs to one service ({@code tally.<service>.events}), and a consumer accepts
 * from it only that service's own event types with that service's CloudEvents source ({@code /tally/<service>}).
 * The broker's ACLs already let only that service write there; this second check means a record that got past them
 * (a misconfigured ACL, an operator's tool, a replayed dump) still cannot make credits-service grant credits for a
 * {@code PaymentConfirmed} that payments-service never announced. A refused event is dead-lettered and counted
 * (tally.inbox.forged); docs/architecture.md, "Trust".
 */
public final class EventProvenance {

    private EventProvenance() {
    }

    /** Throws {@link ForgedEventException} unless {@code type} and {@code source} belong to the topic's owner. */
    public static void verify(String topic, String eventId, String type, String source) {
        String owner = Topics.ownerOf(topic).orElseThrow(() -> new ForgedEventException(
                "event " + eventId + " arrived on " + topic + ", which is not a service's events topic"));
        String expectedSource = CloudEventHeaders.sourceOf(owner);
        if (!Objects.equals(source, expectedSource)) {
            throw new ForgedEventException("event " + eventId + " on " + topic + " claims source " + source
                    + "; only " + expectedSource + " publishes there");
        }
        Optional<EventType<?>> catalogued = EventTypes.byName(type);
        boolean owned = catalogued.map(known -> known.topic().equals(topic))
                .orElse(type.startsWith("tally." + owner + "."));   // a newer version of the owner's own type
        if (!owned) {
            throw new ForgedEventException("event " + eventId + " of type " + type + " arrived on " + topic
                    + catalogued.map(known -> "; it belongs on " + known.topic()).orElse("; " + owner
                    + " does not publish it"));
        }
    }
}
