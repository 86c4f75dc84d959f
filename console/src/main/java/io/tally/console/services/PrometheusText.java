package io.tally.console.services;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples of a Prometheus text exposition (what /q/metrics serves): {@code name{label="value",…} 12.0} per line,
 * comments skipped. Enough to read a few gauges and counters, not a general parser (no escapes inside labels).
 */
final class PrometheusText {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int space = trimmed.lastIndexOf(' ');
            int brace = trimmed.indexOf('{');
            if (space < 0) {
                continue;
            }
            String name = brace >= 0 && brace < space ? trimmed.substring(0, brace) : trimmed.substring(0, space);
            Map<String, String> labels = brace >= 0 && brace < space
                    ? labels(trimmed.substring(brace + 1, trimmed.lastIndexOf('}', space))) : Map.of();
            try {
                samples.add(new Sample(name, labels, Double.parseDouble(trimmed.substring(space + 1))));
            } catch (NumberFormatException notANumber) {
                // a sample we cannot read is one we do not show
            }
        }
        return new PrometheusText(samples);
    }

    /** The sum over the samples of that name carrying those labels; null when there is none. */
    Double sum(String name, Map<String, String> labels) {
        return fold(name, labels, Double::sum);
    }

    /** The largest such sample (NaN and infinities, which Kafka reports before a first fetch, are left out). */
    Double max(String name, Map<String, String> labels) {
        return fold(name, labels, Math::max);
    }

    private Double fold(String name, Map<String, String> labels, java.util.function.DoubleBinaryOperator op) {
        Double result = null;
        for (Sample sample : samples) {
            if (sample.name().equals(name) && sample.labels().entrySet().containsAll(labels.entrySet())
                    && Double.isFinite(sample.value())) {
                result = result == null ? sample.value() : op.applyAsDouble(result, sample.value());
            }
        }
        return result;
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                labels.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip().replace("\"", ""));
            }
        }
        return labels;
    }
}
