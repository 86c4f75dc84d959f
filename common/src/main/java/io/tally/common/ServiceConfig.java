package io.tally.common;

import io.smallrye.config.ConfigMapping;

/** Who this process is: names the outbox channel, advisory locks, the dead-letter topic and ce_source. */
@ConfigMapping(prefix = "tally.service")
public interface ServiceConfig {

    /** Short service name: credits, jobs, payments or presence. */
    String name();
}
