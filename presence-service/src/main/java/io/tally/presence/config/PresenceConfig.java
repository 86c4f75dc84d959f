package io.tally.presence.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The timing model of presence (docs/presence.md); every knob can be set from the environment (TALLY_PRESENCE_…). */
@ConfigMapping(prefix = "tally.presence")
public interface PresenceConfig {

    /** How often clients are told to heartbeat (they may use 10–15 s). */
    @WithDefault("15s")
    Duration heartbeatInterval();

    /** Heartbeats of one connection closer together than this are refused with 429. */
    @WithDefault("2s")
    Duration minHeartbeatInterval();

    /** A connection silent for longer than this is gone. */
    @WithDefault("30s")
    Duration timeout();

    /** How often the sweep drops silent connections (also read by the scheduler). */
    @WithDefault("5s")
    Duration sweepEvery();

    /** A box whose last viewer left stays published this long, so a quick reconnect does not flap it. */
    @WithDefault("0s")
    Duration grace();

    /** Heartbeats are kept in memory and the due ones written in one statement this often. */
    @WithDefault("1s")
    Duration flushEvery();

    /**
     * A connection's latest heartbeat is written once the time the database has for it is this old; faster
     * heartbeats only update memory. Plus {@link #flushEvery()}, at most half of {@link #timeout()}.
     */
    @WithDefault("10s")
    Duration heartbeatWriteEvery();

    /** ViewerCountChanged is emitted at most this often per box. */
    @WithDefault("1s")
    Duration countEventsEvery();

    /** Connections one viewer may hold in one box (tabs, devices). */
    @WithDefault("10")
    int maxConnectionsPerViewer();

    /** Boxes a streamer may have open (not ended) at once; creating one more is a 429. */
    @WithDefault("5")
    int maxOpenBoxesPerStreamer();
}
