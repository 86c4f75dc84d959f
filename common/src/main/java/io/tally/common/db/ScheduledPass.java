package io.tally.common.db;

import io.smallrye.mutiny.Uni;
import java.time.Duration;

/**
 * Work a service does on a schedule (a sweep, a janitor, a check): a bean implementing this is run on its
 * {@link #schedule} by {@link ScheduledPasses}, a run is skipped while the previous one is still going, and a failed
 * run is logged and tried again next time. What must run in one replica at a time takes an advisory lock in its
 * transaction ({@link AdvisoryLocks#ifAcquired}); tests call {@link #runOnce} directly.
 */
public interface ScheduledPass {

    /**
     * When it runs.
     *
     * @param name    names the pass in the log and the scheduler ("Lease sweep")
     * @param every   how often, usually from the service's configuration
     * @param delayed how long after start-up the first run waits
     */
    record Schedule(String name, Duration every, Duration delayed) {
    }

    Schedule schedule();

    /** One run. */
    Uni<?> runOnce();
}
