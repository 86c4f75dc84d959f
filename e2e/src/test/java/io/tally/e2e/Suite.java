package io.tally.e2e;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * What every e2e test class starts from: the four processes exporting their traces to a collector, a client of them,
 * and an invariant checker that looks at what was created from this moment on (taken before the processes start, so
 * nothing they do is missed).
 */
record Suite(Stack stack, Tally tally, InvariantChecker invariants, TraceCollector traces) implements AutoCloseable {

    static Suite start() {
        OffsetDateTime since = OffsetDateTime.now(ZoneOffset.UTC);
        TraceCollector traces = TraceCollector.start();
        Stack stack = Stack.start(traces.exporterEnvironment());
        Tally tally = new Tally(stack);
        return new Suite(stack, tally, new InvariantChecker(tally, since), traces);
    }

    /** Stops the processes, then fails if any of them logged an uncaught exception meanwhile. */
    @Override
    public void close() {
        stack.close();
        traces.close();
        List<String> uncaught = stack.uncaughtExceptions();
        if (!uncaught.isEmpty()) {
            throw new AssertionError("the services logged uncaught exceptions (lost requests or callbacks):\n"
                    + String.join("\n", uncaught));
        }
    }
}
