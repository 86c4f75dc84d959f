package io.tally.common.idempotency;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "tally.idempotency")
public interface IdempotencyConfig {

    /** How long a key replays its first response; after that the same key starts a new request. */
    @WithDefault("24h")
    Duration ttl();
}
