package io.tally.bench;

import java.time.Duration;
import java.util.Map;

/** Where the stack runs (from the environment `./dev bench` sets) and the run's options (--key=value). */
public record BenchContext(Map<String, String> env, Map<String, String> options) {

    public String dbHost() {
        return env.getOrDefault("TALLY_DB_HOST", "127.0.0.1");
    }

    public int dbPort() {
        return Integer.parseInt(env.getOrDefault("TALLY_DB_PORT", "5432"));
    }

    public String dbName() {
        return env.getOrDefault("TALLY_DB_NAME", "tally");
    }

    public String kafkaBootstrap() {
        return env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
    }

    public Duration duration(Duration fallback) {
        String value = options.get("duration");
        return value == null ? fallback : Duration.ofSeconds(Long.parseLong(value.replace("s", "")));
    }

    public String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    public int intOption(String name, int fallback) {
        String value = options.get(name);
        return value == null ? fallback : Integer.parseInt(value);
    }
}
