package io.tally.credits.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Which stretch of the ledger each periodic reconciliation covers. */
@Tag("unit")
class ReconciliationWindowTest {

    private static final Instant START = Instant.parse("2026-12-02T10:00:00Z");
    private final ReconciliationWindow window = new ReconciliationWindow(Duration.ofMinutes(15), Duration.ofMinutes(1));

    @Test
    void theFirstCheckLooksBackTheWholeLookback() {
        assertThat(window.since(START)).isEqualTo(START.minus(Duration.ofMinutes(15)));
    }

    @Test
    void aLaterCheckStartsTheOverlapBeforeThePreviousCheckBegan() {
        window.checked(START);

        assertThat(window.since(START.plus(Duration.ofMinutes(1)))).isEqualTo(START.minus(Duration.ofMinutes(1)));
    }

    @Test
    void aFailedCheckDoesNotMoveTheWindow() {
        window.checked(START);
        // The check starting a minute later fails (checked is not called): the next one still covers its stretch.

        assertThat(window.since(START.plus(Duration.ofMinutes(2)))).isEqualTo(START.minus(Duration.ofMinutes(1)));
    }

    @Test
    void theWindowNeverReachesFurtherBackThanTheLookback() {
        window.checked(START);
        Instant hourLater = START.plus(Duration.ofHours(1));

        assertThat(window.since(hourLater)).isEqualTo(hourLater.minus(Duration.ofMinutes(15)));
    }

    @Test
    void aSlowCheckFinishingLastDoesNotPullTheWindowBack() {
        window.checked(START.plus(Duration.ofMinutes(2)));
        window.checked(START);

        assertThat(window.since(START.plus(Duration.ofMinutes(3)))).isEqualTo(START.plus(Duration.ofMinutes(1)));
    }
}
