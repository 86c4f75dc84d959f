package io.tally.common.testing;

/**
 * Where the tests' PostgreSQL and Kafka are. `./dev test` starts them and exports TALLY_DB_HOST, TALLY_DB_PORT,
 * TALLY_TEST_DB_NAME and KAFKA_BOOTSTRAP_SERVERS; a plain `./mvnw verify` on a machine with Docker gets them from
 * {@link TestContainers}, which sets the same settings as system properties (which Quarkus' configuration reads
 * too: {@code tally.db.host}, {@code tally.db.port}, {@code kafka.bootstrap.servers}).
 */
public final class TestInfrastructure {

    private TestInfrastructure() {
    }

    public static String dbHost() {
        return setting("tally.db.host", "TALLY_DB_HOST", "127.0.0.1");
    }

    public static String dbPort() {
        return setting("tally.db.port", "TALLY_DB_PORT", "5432");
    }

    public static String testDbName() {
        return setting("tally.test.db.name", "TALLY_TEST_DB_NAME", "tally_test");
    }

    public static String kafkaBootstrapServers() {
        return setting("kafka.bootstrap.servers", "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092");
    }

    /** True when `./dev test` (or a developer) said where the database and the broker are. */
    static boolean configuredByEnvironment() {
        return present(System.getenv("TALLY_DB_HOST")) || present(System.getenv("KAFKA_BOOTSTRAP_SERVERS"));
    }

    private static String setting(String property, String environment, String fallback) {
        String value = System.getProperty(property);
        if (present(value)) {
            return value;
        }
        value = System.getenv(environment);
        return present(value) ? value : fallback;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
