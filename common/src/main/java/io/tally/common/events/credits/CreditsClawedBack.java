package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/**
 * A reversed payment's credits were taken back: what the balance held, the shortfall recorded as debt.
 * {@code takenFromBalance + addedToDebt == credits}. {@code cycle} is the confirmation cycle that was reversed.
 */
public record CreditsClawedBack(UUID paymentId, String userId, long credits, long takenFromBalance, long addedToDebt,
                                long balanceAfter, long debtAfter, UUID transactionId, int cycle) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
