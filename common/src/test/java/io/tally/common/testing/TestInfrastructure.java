package io.tally.common.testing;

import java.util.Locale;

/**
 * Where the tests' PostgreSQL and Kafka are. `./dev test` starts them and exports TALLY_DB_HOST, TALLY_DB_PORT,
 * TALLY_TEST_DB_NAME, KAFKA_BOOTSTRAP_SERVERS and the broker's passwords (TALLY_KAFKA_ADMIN_PASSWORD,
 * TALLY_KAFKA_PASSWORD_&lt;SERVICE&gt;); a plain `./mvnw verify` on a machine with Docker gets them from
 * {@link TestContainers}, which sets the same settings as system properties (which Quarkus' configuration reads
 * too: {@code tally.db.host}, {@code tally.db.port}, {@code kafka.bootstrap.servers}, {@code tally.kafka.password.<service>}).
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

    /** The password of the broker's super user, which tests use to play a producer or read a topic. */
    public static String kafkaAdminPassword() {
        return required("tally.kafka.admin-password", "TALLY_KAFKA_ADMIN_PASSWORD");
    }

    /** The password of a service's Kafka user (tally-credits…), as the service's own configuration finds it. */
    public static String kafkaPassword(String service) {
        return required("tally.kafka.password." + service, "TALLY_KAFKA_PASSWORD_" + service.toUpperCase(Locale.ROOT));
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

    private static String required(String property, String environment) {
        String value = setting(property, environment, null);
        if (value == null) {
            throw new IllegalStateException(environment + " is not set: run the tests with ./dev test");
        }
        return value;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
