package io.tally.common.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "tally.outbox")
public interface OutboxConfig {

    /** Rows published per relay transaction. */
    @WithDefault("500")
    int batchSize();

    /** Polling fallback when no wake-up arrives (a missed NOTIFY, rows that became visible late). */
    @WithDefault("1s")
    Duration pollInterval();

    /** How long the relay waits for the broker's acknowledgements before it rolls back and retries. */
    @WithDefault("15s")
    Duration sendTimeout();

    /**
     * A row is published once every transaction that started before it has ended (so per-key order equals
     * commit order), or once it is this old, so one stuck transaction elsewhere cannot stall the relay.
     */
    @WithDefault("5s")
    Duration orderingWait();

    /** Coalescing window of the NOTIFY a replica sends when another replica runs the relay. */
    @WithDefault("20ms")
    Duration notifyCoalesce();

    /** Whether this process runs the relay at all (tests of a pure producer may switch it off). */
    @WithDefault("true")
    boolean relayEnabled();
}
