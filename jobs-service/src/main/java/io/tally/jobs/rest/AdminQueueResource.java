package io.tally.jobs.rest;

import io.smallrye.mutiny.Uni;
import io.tally.common.security.Roles;
import io.tally.jobs.job.JobRepository;
import io.tally.jobs.job.JobStatus;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The queue at a glance, for operators. */
@Path("/jobs/admin")
@RolesAllowed({Roles.ADMIN, Roles.SUPPORT})   // reads only: support staff see what admins see
public class AdminQueueResource {

    private final Pool pool;
    private final JobRepository jobs;

    public AdminQueueResource(Pool pool, JobRepository jobs) {
        this.pool = pool;
        this.jobs = jobs;
    }

    /**
     * @param oldestQueuedSeconds age of the longest-waiting runnable job (null when none waits)
     * @param averageWaitSeconds  queued → started, over jobs started in the last hour
     * @param averageRunSeconds   started → ended, over jobs that ended in the last hour
     * @param finishedPerMinute   the last hour's minutes in which jobs ended, oldest first (the console's chart)
     * @param workers             the workers holding leases now (up to 100, busiest first)
     * @param soonestLeases       the running jobs whose leases lapse first (up to {@value #LEASES_SHOWN})
     */
    public record QueueReport(Map<JobStatus, Long> jobsByStatus, Double oldestQueuedSeconds,
                              Double averageWaitSeconds, Double averageRunSeconds, long completedLastHour,
                              List<JobRepository.FinishedInMinute> finishedPerMinute,
                              List<JobRepository.WorkerLeases> workers, List<JobRepository.Lease> soonestLeases) {
    }

    static final int LEASES_SHOWN = 50;

    @GET
    @Path("/queue")
    public Uni<QueueReport> queue() {
        // Five reads on as many pooled connections at once: an operator's page, not a hot path.
        return Uni.combine().all().unis(jobs.countsByStatus(pool), jobs.queueTimings(pool),
                        jobs.finishedPerMinute(pool), jobs.workerLeases(pool), jobs.soonestLeases(pool, LEASES_SHOWN))
                .with((counts, timings, minutes, workers, leases) -> {
                    Map<JobStatus, Long> all = new EnumMap<>(JobStatus.class);
                    Arrays.stream(JobStatus.values()).forEach(s -> all.put(s, counts.getOrDefault(s, 0L)));
                    return new QueueReport(all, timings.oldestQueuedSeconds(), timings.averageWaitSeconds(),
                            timings.averageRunSeconds(), timings.completedLastHour(), minutes, workers, leases);
                });
    }
}
