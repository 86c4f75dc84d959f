package io.tally.e2e;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

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

    /** Stops the processes, then fails if any of them logged an uncaught exception meanwhile. */
    @Override
    public void close() {
        stack.close();
        List<String> uncaught = stack.uncaughtExceptions();
        if (!uncaught.isEmpty()) {
            throw new AssertionError("the services logged uncaught exceptions (lost requests or callbacks):\n"
                    + String.join("\n", uncaught));
        }
    }
}
