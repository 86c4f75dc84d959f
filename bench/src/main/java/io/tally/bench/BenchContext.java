package io.tally.bench;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

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

    /**
     * A Kafka client of the dev broker as its admin user: the bench observes topics it has no service's right to
     * read (./dev bench exports the password).
     */
    public Properties kafkaClient() {
        String password = env.get("TALLY_KAFKA_ADMIN_PASSWORD");
        if (password == null || password.isBlank()) {
            throw new IllegalStateException("TALLY_KAFKA_ADMIN_PASSWORD is not set: run the bench with ./dev bench");
        }
        Properties props = new Properties();
        props.put("bootstrap.servers", env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"));
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", "SCRAM-SHA-512");
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"admin\" password=\"" + password + "\";");
        return props;
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
