package io.tally.common.events;

import java.util.List;
import java.util.Optional;

/** Topic names, shared by producers, consumers, the dev script and the deployment manifests. */
public final class Topics {

    public static final String CREDITS = "tally.credits.events";
    public static final String JOBS = "tally.jobs.events";
    public static final String PAYMENTS = "tally.payments.events";
    public static final String PRESENCE = "tally.presence.events";

    public static final List<String> ALL = List.of(CREDITS, JOBS, PAYMENTS, PRESENCE);

    /** Each consuming service dead-letters poison events to its own topic, so one team owns each. */
    public static String deadLetter(String serviceName) {
        return "tally." + serviceName + ".dlq";
    }

    /** The service whose events a topic carries: {@code credits} for {@code tally.credits.events}. */
    public static Optional<String> ownerOf(String topic) {
        if (topic != null && topic.startsWith("tally.") && topic.endsWith(".events")) {
            String owner = topic.substring("tally.".length(), topic.length() - ".events".length());
            if (!owner.isEmpty() && !owner.contains(".")) {
                return Optional.of(owner);
            }
        }
        return Optional.empty();
    }

    private Topics() {
    }
}
