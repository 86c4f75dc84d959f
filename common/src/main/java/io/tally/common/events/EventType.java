package io.tally.common.events;

/**
 * A versioned CloudEvents type bound to the topic it travels on and the record that carries its data.
 * A breaking change to the data gets a new type (…v2) published next to the old one.
 */
public record EventType<T extends TallyEvent>(String name, String topic, Class<T> dataClass) {
}
