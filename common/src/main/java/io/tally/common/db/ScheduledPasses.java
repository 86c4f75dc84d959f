package io.tally.common.db;

import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

/**
 * The one way a scheduled pass (a sweep, a janitor, a flush) ends: a failure is logged and swallowed, because
 * the next tick tries again and a failed tick must not stop the schedule.
 */
public final class ScheduledPasses {

    private ScheduledPasses() {
    }

    /** @param what names the pass in the log ("Lease sweep") */
    public static Uni<Void> logFailures(Uni<?> pass, Logger log, String what) {
        return pass.onFailure().invoke(e -> log.warnf("%s failed: %s", what, e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
