package io.tally.common.testing;

import com.github.dockerjava.api.model.PortBinding;
import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * PostgreSQL and Kafka for a test run that nobody prepared: when the environment names neither (no ./dev test)
 * and a Docker engine answers, this starts both as containers before the first test of the JVM, prepares them as
 * ./dev test prepares its own (the service roles and schemas in tally_test; the broker started and set up by the
 * same scripts, dev-support/kafka/start-broker.sh and setup-broker.sh, with passwords made for the run), and
 * publishes where they are through {@link TestInfrastructure}'s system properties. So `./mvnw verify` on a laptop
 * with Docker needs nothing else; ./dev test (which exports the environment) never starts a container here.
 *
 * <p>The images are the ones docker-compose.yml uses, and the same variables replace them (Testcontainers' image
 * substitution): TALLY_POSTGRES_IMAGE (postgres:15), TALLY_KAFKA_IMAGE (apache/kafka:4.3.1).
 */
public class TestContainers implements LauncherSessionListener {

    private static final String BROKER_CONTAINER = "tally.test.kafka.container";
    private static final List<String> SCHEMAS = List.of("credits", "jobs", "payments", "presence", "backbone");
    private static volatile PostgreSQLContainer postgres;
    /** The Kafka users of dev-support/kafka/access.conf, each tally-&lt;name&gt;. */
    private static final List<String> KAFKA_USERS = List.of("credits", "jobs", "payments", "presence", "backbone");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static volatile GenericContainer<?> kafka;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        // `./dev test --unit` runs only tests that need neither PostgreSQL nor Kafka (TALLY_TESTS_UNIT).
        if (TestInfrastructure.configuredByEnvironment() || postgres != null || System.getenv("TALLY_TESTS_UNIT") != null
                || !dockerAvailable()) {
            return;
        }
        PostgreSQLContainer database = new PostgreSQLContainer(image("TALLY_POSTGRES_IMAGE", "postgres:15", "postgres"))
                .withDatabaseName(TestInfrastructure.testDbName())
                .withCommand("postgres", "-c", "max_connections=300", "-c", "fsync=off", "-c", "synchronous_commit=off");
        // A fixed port, the same inside the container and on the host: a test that stops and starts the broker
        // (BrokerControl) finds it where it was, and the broker's advertised address works from both sides.
        int kafkaPort = freePort();
        Map<String, String> passwords = new LinkedHashMap<>();
        passwords.put("admin", secret());
        KAFKA_USERS.forEach(user -> passwords.put(user, secret()));
        GenericContainer<?> broker = broker(kafkaPort, passwords);
        database.start();
        broker.start();
        prepareDatabase(database);
        System.setProperty("tally.db.host", database.getHost());
        System.setProperty("tally.db.port", Integer.toString(database.getMappedPort(5432)));
        System.setProperty("kafka.bootstrap.servers", "localhost:" + kafkaPort);
        System.setProperty("tally.kafka.admin-password", passwords.get("admin"));
        KAFKA_USERS.forEach(user -> System.setProperty("tally.kafka.password." + user, passwords.get(user)));
        // Read by BrokerControl, which may live in another class loader (Quarkus' tests run in their own).
        System.setProperty(BROKER_CONTAINER, broker.getContainerId());
        postgres = database;
        kafka = broker;
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        Optional.ofNullable(kafka).ifPresent(GenericContainer::stop);
        Optional.ofNullable(postgres).ifPresent(PostgreSQLContainer::stop);
    }

    /** The id of the broker container, when this started one (for {@link BrokerControl}). */
    static Optional<String> brokerContainerId() {
        return Optional.ofNullable(System.getProperty(BROKER_CONTAINER));
    }

    private static DockerImageName image(String variable, String fallback, String compatibleWith) {
        String configured = System.getenv(variable);
        return DockerImageName.parse(configured == null || configured.isBlank() ? fallback : configured)
                .asCompatibleSubstituteFor(compatibleWith);
    }

    /**
     * As ./dev's prepare_database: per schema, the owner and runtime roles of dev-support/postgres/service-schema.sql
     * (the same script, its psql variables filled in here; passwords = role names, test only).
     */
    private static void prepareDatabase(PostgreSQLContainer database) {
        String script = RepositoryRoot.read("dev-support/postgres/service-schema.sql");
        try (Connection connection = DriverManager.getConnection(database.getJdbcUrl(), database.getUsername(),
                database.getPassword()); Statement sql = connection.createStatement()) {
            String db = database.getDatabaseName();
            sql.execute("REVOKE ALL ON DATABASE " + db + " FROM PUBLIC");
            sql.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
            for (String schema : SCHEMAS) {
                String owner = "tally_" + schema + "_owner";
                String runtime = "tally_" + schema;
                sql.execute(withPsqlVariables(script, Map.of("schema", schema, "owner", owner, "owner_password", owner,
                        "runtime", runtime, "runtime_password", runtime)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the test database: " + e.getMessage(), e);
        }
    }

    /** psql's :'name' (a variable as a quoted literal), which JDBC does not know. */
    private static String withPsqlVariables(String script, Map<String, String> values) {
        String filled = script;
        for (Map.Entry<String, String> value : values.entrySet()) {
            filled = filled.replace(":'" + value.getKey() + "'", "'" + value.getValue().replace("'", "''") + "'");
        }
        return filled;
    }

    /**
     * The broker as ./dev and docker-compose run it (dev-support/kafka/start-broker.sh in the Kafka image): with
     * authentication, ACLs, and the admin password given.
     */
    private static GenericContainer<?> broker(int port, Map<String, String> passwords) {
        GenericContainer<?> broker = new GenericContainer<>(image("TALLY_KAFKA_IMAGE", "apache/kafka:4.3.1", "apache/kafka"))
                .withCopyFileToContainer(MountableFile.forHostPath(RepositoryRoot.resolve("dev-support/kafka")),
                        "/opt/tally/kafka")
                .withEnv("KAFKA_ADMIN_PASSWORD", passwords.get("admin"))
                .withEnv("KAFKA_PORT", Integer.toString(port))
                // The same address inside the container (the broker listens on every interface) and on this host
                // (the port is published on it).
                .withEnv("KAFKA_ADVERTISED", "localhost:" + port)
                // Exposed, so that Docker honours the binding below (it ignores bindings of ports not exposed).
                .withExposedPorts(port)
                .withCreateContainerCmdModifier(command -> command
                        .withEntrypoint("/bin/bash", "/opt/tally/kafka/start-broker.sh")
                        .getHostConfig().withPortBindings(PortBinding.parse(port + ":" + port)))
                // Ready once setup-broker.sh, which start-broker.sh runs here, has made the topics, users and ACLs.
                .withEnv("KAFKA_SETUP_SCOPES", "deploy local")
                .waitingFor(Wait.forLogMessage(".*setup-broker: topics, users .* are in place.*", 1)
                        .withStartupTimeout(Duration.ofMinutes(3)));
        // For setup-broker.sh: each user's password, as ./dev exports them.
        KAFKA_USERS.forEach(user -> broker.withEnv("TALLY_KAFKA_PASSWORD_" + user.toUpperCase(Locale.ROOT),
                passwords.get(user)));
        return broker;
    }

    private static String secret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException noEngine) {
            return false;
        }
    }

    private static int freePort() {
        try {
            return ServiceProcess.freePort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
