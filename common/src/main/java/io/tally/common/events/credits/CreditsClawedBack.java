package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/**
 * A reversed payment's credits were taken back: what the purchased balance held, then the earnings its coins produced
 * through gifts since the grant (frozen at the streamers, {@code EarningsFrozen}) and the platform's fee on those gifts
 * (reversed), and the rest recorded as debt:
 * {@code takenFromBalance + frozenEarnings + feesReversed + addedToDebt == credits}. {@code cycle} is the
 * confirmation cycle that was reversed.
 */
public record CreditsClawedBack(UUID paymentId, String userId, long credits, long takenFromBalance, long addedToDebt,
                                long balanceAfter, long debtAfter, UUID transactionId, int cycle, long frozenEarnings,
                                long feesReversed) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
