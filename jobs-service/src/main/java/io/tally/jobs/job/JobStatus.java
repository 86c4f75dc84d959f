package io.tally.jobs.job;

import io.tally.common.problem.ProblemException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nine states of a job and the only place that says which transitions are legal. Every write path asks
 * {@link #requireTransition} (or builds its SQL from {@link #sourcesOf}), so no code path can invent one.
 *
 * <p>docs/jobs.md draws the machine; {@code JobStatusTest} checks every pair of states against it.
 */
public enum JobStatus {
    PENDING, REJECTED, QUEUED, PROCESSING, RETRYING, COMPLETED, FAILED, CANCELLED, REFUNDED;

    private static final Map<JobStatus, Set<JobStatus>> NEXT = Map.of(
            PENDING, EnumSet.of(QUEUED, REJECTED, CANCELLED),
            QUEUED, EnumSet.of(PROCESSING, CANCELLED, FAILED),
            PROCESSING, EnumSet.of(COMPLETED, RETRYING, FAILED, CANCELLED),
            RETRYING, EnumSet.of(PROCESSING, CANCELLED, FAILED),
            FAILED, EnumSet.of(REFUNDED),
            CANCELLED, EnumSet.of(REFUNDED),
            REJECTED, EnumSet.noneOf(JobStatus.class),
            COMPLETED, EnumSet.noneOf(JobStatus.class),
            REFUNDED, EnumSet.noneOf(JobStatus.class));

    public boolean canMoveTo(JobStatus next) {
        return NEXT.get(this).contains(next);
    }

    /** Whether the job's own story is over: it will never run again (a refund may still be on its way). */
    public boolean isFinished() {
        return this == REJECTED || this == COMPLETED || this == FAILED || this == CANCELLED || this == REFUNDED;
    }

    public boolean isRunnable() {
        return this == QUEUED || this == RETRYING;
    }

    /** The states from which {@code target} may be reached, for write paths that select rows in SQL. */
    public static List<String> sourcesOf(JobStatus target) {
        return Arrays.stream(values()).filter(s -> s.canMoveTo(target)).map(Enum::name).toList();
    }

    /** Refuses an illegal transition with a 422 problem that names both states. */
    public static void requireTransition(JobStatus from, JobStatus to, String action) {
        if (!from.canMoveTo(to)) {
            throw ProblemException.unprocessable("illegal-transition", "Illegal state transition",
                    "Cannot " + action + " a job that is " + from + " (" + from + " → " + to + " is not allowed)");
        }
    }
}
