package io.tally.common.events;

import java.util.List;

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

    private Topics() {
    }
}
