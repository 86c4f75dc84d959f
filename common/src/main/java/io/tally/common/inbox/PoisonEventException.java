package io.tally.common.inbox;

/**
 * The event can never be processed as it is (broken envelope, data outside its contract): retrying is
 * pointless, so it goes straight to the dead-letter topic.
 */
public class PoisonEventException extends RuntimeException {

    public PoisonEventException(String message) {
        super(message);
    }
}
