package io.tally.jobs.job;

import java.util.UUID;

/** One status or progress change of a job, as stored in job_history and streamed over SSE. */
public record HistoryEntry(UUID jobId, JobStatus status, int progress, String detail) {
}
