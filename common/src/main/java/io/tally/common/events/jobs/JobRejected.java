package io.tally.common.events.jobs;

import io.tally.common.events.TallyEvent;
import java.util.Map;
import java.util.UUID;

/**
 * Public lifecycle event: the job ended before it ran because its credits were refused ({@code reason}:
 * insufficient_credits, account_in_debt, conflict) or never confirmed (saga_deadline). Nothing is owed for it.
 * {@code needed} and {@code available} are credits' figures at the refusal (0 for saga_deadline).
 */
public record JobRejected(UUID jobId, String userId, String reason, long needed, long available,
                          Map<String, String> metadata) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
