package io.tally.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.credits.ledger.LedgerEngine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The gift split's integer arithmetic: fee = floor(cost × bps / 10 000), recipient = cost − fee. */
@Tag("unit")
class LedgerEngineTest {

    @Test
    void feeRoundsDownInTheRecipientsFavour() {
        assertThat(LedgerEngine.giftFee(1, 3000)).isZero();
        assertThat(LedgerEngine.giftFee(3, 3000)).isZero();
        assertThat(LedgerEngine.giftFee(4, 3000)).isEqualTo(1);
        assertThat(LedgerEngine.giftFee(5, 3000)).isEqualTo(1);
        assertThat(LedgerEngine.giftFee(7, 3000)).isEqualTo(2);
        assertThat(LedgerEngine.giftFee(100, 3000)).isEqualTo(30);
        assertThat(LedgerEngine.giftFee(999, 3333)).isEqualTo(332);
        assertThat(LedgerEngine.giftFee(10, 0)).isZero();
        assertThat(LedgerEngine.giftFee(10, 10_000)).isEqualTo(10);
    }

    @Test
    void feeIsTheExactFloorOfTheRateSoTheRecipientNeverGetsLessThanTheirShare() {
        for (long cost = 1; cost <= 1000; cost++) {
            for (int bps : new int[] {0, 1, 250, 3000, 3333, 5000, 9999, 10_000}) {
                long fee = LedgerEngine.giftFee(cost, bps);
                assertThat(fee).isBetween(0L, cost);
                // floor: fee ≤ cost × bps / 10 000 < fee + 1, i.e. the recipient's cost − fee is never rounded down.
                assertThat(fee * 10_000).as("cost %d at %d bps", cost, bps).isLessThanOrEqualTo(cost * bps);
                assertThat((fee + 1) * 10_000).as("cost %d at %d bps", cost, bps).isGreaterThan(cost * bps);
            }
        }
    }

    @Test
    void overflowIsRefusedRatherThanWrapped() {
        assertThatThrownBy(() -> LedgerEngine.giftFee(Long.MAX_VALUE / 2, 10_000)).isInstanceOf(ArithmeticException.class);
    }
}
