package io.tally.e2e;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * What every e2e test class starts from: the four processes, a client of them, and an invariant checker that looks
 * at what was created from this moment on (taken before the processes start, so nothing they do is missed).
 */
record Suite(Stack stack, Tally tally, InvariantChecker invariants) implements AutoCloseable {

    static Suite start() {
        OffsetDateTime since = OffsetDateTime.now(ZoneOffset.UTC);
        Stack stack = Stack.start();
        Tally tally = new Tally(stack);
        return new Suite(stack, tally, new InvariantChecker(tally, since));
    }

    @Override
    public void close() {
        stack.close();
    }
}
