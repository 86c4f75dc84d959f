package io.tally.bench;

/** One benchmark: drives load against the running stack and returns what the report prints. */
public interface Scenario {

    String name();

    String description();

    ScenarioResult run(BenchContext context) throws Exception;
}
