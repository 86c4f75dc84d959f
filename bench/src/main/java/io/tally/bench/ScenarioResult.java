package io.tally.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one run. The four standard ones are always printed; {@code extra} adds scenario-specific
 * pairs (baseline_per_s, ratio, exact…) to the RESULT line.
 */
public record ScenarioResult(String scenario, double throughputPerSecond, double p50Millis, double p99Millis,
                             long errors, Map<String, Object> extra) {

    public ScenarioResult {
        extra = new LinkedHashMap<>(extra);
    }

    public ScenarioResult with(String key, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(extra);
        more.put(key, value);
        return new ScenarioResult(scenario, throughputPerSecond, p50Millis, p99Millis, errors, more);
    }
}
