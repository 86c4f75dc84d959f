package io.tally.payments.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class RefusalBudgetTest {

    private final AtomicLong now = new AtomicLong();
    private final RefusalBudget budget = new RefusalBudget(3, Duration.ofMinutes(1), now::get);

    @Test
    void anAddressIsCutOffOnceItsRefusalsAreSpentAndOthersAreNot() {
        for (int i = 0; i < 3; i++) {
            assertThat(budget.exhausted("203.0.113.1")).isFalse();
            assertThat(budget.spend("203.0.113.1")).isTrue();
        }
        assertThat(budget.exhausted("203.0.113.1")).isTrue();
        assertThat(budget.spend("203.0.113.1")).isFalse();
        assertThat(budget.exhausted("203.0.113.2")).isFalse();
    }

    @Test
    void theBudgetComesBackTheNextMinute() {
        for (int i = 0; i < 4; i++) {
            budget.spend("203.0.113.1");
        }
        now.addAndGet(59_000_000_000L);
        assertThat(budget.exhausted("203.0.113.1")).isTrue();
        now.addAndGet(1_000_000_000L);
        assertThat(budget.exhausted("203.0.113.1")).isFalse();
        assertThat(budget.spend("203.0.113.1")).isTrue();
    }

    @Test
    void pastTheAddressCapNewAddressesShareOneBudget() {
        for (int i = 0; i < RefusalBudget.MAX_ADDRESSES; i++) {
            budget.spend("10.0." + (i / 256) + "." + (i % 256));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(budget.spend("198.51.100." + i)).isTrue();
        }
        assertThat(budget.exhausted("198.51.100.200")).as("a new address, counted with the others").isTrue();
        assertThat(budget.exhausted("10.0.0.1")).as("an address seen before the cap keeps its own count").isFalse();
    }
}
