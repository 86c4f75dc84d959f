package io.tally.credits.reconciliation;

import java.time.Duration;
import java.time.Instant;

/**
 * Where the next periodic reconciliation starts. The first check of a process looks back {@code lookback}; each
 * later one starts {@code overlap} before the previous successful check did, so a transaction is checked about
 * once or twice instead of on every run for the whole lookback (under sustained traffic that re-checked 15 minutes
 * of ledger every minute). The overlap covers what the previous check could not see yet: {@code created_at} and
 * {@code updated_at} are the time a database transaction began, so one that began before that check and committed
 * after it carries an earlier time; it also absorbs clock skew between this process and the database. A failed
 * check does not move the window, and the window never reaches further back than {@code lookback}.
 */
final class ReconciliationWindow {

    private final Duration lookback;
    private final Duration overlap;
    private Instant lastCheckStartedAt;

    ReconciliationWindow(Duration lookback, Duration overlap) {
        this.lookback = lookback;
        this.overlap = overlap;
    }

    /** The start of the window a check beginning at {@code now} covers. */
    synchronized Instant since(Instant now) {
        Instant furthest = now.minus(lookback);
        if (lastCheckStartedAt == null) {
            return furthest;
        }
        Instant afterLastCheck = lastCheckStartedAt.minus(overlap);
        return afterLastCheck.isAfter(furthest) ? afterLastCheck : furthest;
    }

    /** The check that began at {@code startedAt} completed: later ones need not look further back than it. */
    synchronized void checked(Instant startedAt) {
        if (lastCheckStartedAt == null || startedAt.isAfter(lastCheckStartedAt)) {
            lastCheckStartedAt = startedAt;
        }
    }
}
