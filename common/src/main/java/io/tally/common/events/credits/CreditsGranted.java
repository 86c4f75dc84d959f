package io.tally.common.events.credits;

import io.tally.common.events.TallyEvent;
import java.util.UUID;

/**
 * A confirmed payment's credits were granted; {@code debtRepaid} of them first paid off the account's debt.
 * {@code cycle} is the confirmation cycle of the payment that was granted (see PaymentConfirmed).
 */
public record CreditsGranted(UUID paymentId, String userId, long credits, long debtRepaid, long balanceAfter,
                             UUID transactionId, int cycle) implements TallyEvent {

    @Override
    public String key() {
        return userId;
    }
}
