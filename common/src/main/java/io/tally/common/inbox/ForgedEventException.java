package io.tally.common.inbox;

/**
 * The event claims to come from a service that does not own the topic it arrived on, or is a type that service
 * never publishes ({@link EventProvenance}): poison, and a security signal.
 */
public class ForgedEventException extends PoisonEventException {

    public ForgedEventException(String message) {
        super(message);
    }
}
