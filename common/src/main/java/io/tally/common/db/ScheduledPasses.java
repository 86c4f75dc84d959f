package io.tally.common.db;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

/**
 * Schedules every {@link ScheduledPass} of the service at start-up, and is the one way a scheduled run ends: a
 * failure is logged and swallowed, because the next run tries again and a failed run must not stop the schedule.
 */
@ApplicationScoped
public class ScheduledPasses {

    private static final Logger LOG = Logger.getLogger(ScheduledPasses.class);

    void schedule(@Observes StartupEvent started, Scheduler scheduler, Instance<ScheduledPass> passes) {
        for (ScheduledPass pass : passes) {
            ScheduledPass.Schedule schedule = pass.schedule();
            scheduler.newJob(schedule.name())
                    .setInterval(schedule.every().toString())
                    .setDelayed(schedule.delayed().toString())
                    .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                    .setAsyncTask(execution -> logFailures(Uni.createFrom().deferred(pass::runOnce), LOG,
                            schedule.name()))
                    .schedule();
        }
    }

    /** @param what names the pass in the log ("Lease sweep") */
    public static Uni<Void> logFailures(Uni<?> pass, Logger log, String what) {
        return pass.onFailure().invoke(e -> log.warnf("%s failed: %s", what, e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
