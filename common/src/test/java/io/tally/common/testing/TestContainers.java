package io.tally.common.testing;

import com.github.dockerjava.api.model.PortBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL and Kafka for a test run that nobody prepared: when the environment names neither (no ./dev test)
 * and a Docker engine answers, this starts both as containers before the first test of the JVM, prepares them as
 * ./dev test prepares its own (the service roles and schemas in tally_test, every topic of topics.conf), and
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
    private static volatile KafkaContainer kafka;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (TestInfrastructure.configuredByEnvironment() || postgres != null || !dockerAvailable()) {
            return;
        }
        PostgreSQLContainer database = new PostgreSQLContainer(image("TALLY_POSTGRES_IMAGE", "postgres:15", "postgres"))
                .withDatabaseName(TestInfrastructure.testDbName())
                .withCommand("postgres", "-c", "max_connections=300", "-c", "fsync=off", "-c", "synchronous_commit=off");
        // A fixed host port, so that a test that stops and starts the broker (BrokerControl) finds it where it was.
        int kafkaPort = freePort();
        KafkaContainer broker = new KafkaContainer(image("TALLY_KAFKA_IMAGE", "apache/kafka:4.3.1", "apache/kafka"))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                .withCreateContainerCmdModifier(command -> command.getHostConfig().withPortBindings(
                        PortBinding.parse(kafkaPort + ":9092")));
        database.start();
        broker.start();
        prepareDatabase(database);
        createTopics(broker.getBootstrapServers());
        System.setProperty("tally.db.host", database.getHost());
        System.setProperty("tally.db.port", Integer.toString(database.getMappedPort(5432)));
        System.setProperty("kafka.bootstrap.servers", broker.getBootstrapServers());
        // Read by BrokerControl, which may live in another class loader (Quarkus' tests run in their own).
        System.setProperty(BROKER_CONTAINER, broker.getContainerId());
        postgres = database;
        kafka = broker;
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        Optional.ofNullable(kafka).ifPresent(KafkaContainer::stop);
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

    /** As ./dev's prepare_database: one login role per schema (password = role name, test only), owning it. */
    private static void prepareDatabase(PostgreSQLContainer database) {
        try (Connection connection = DriverManager.getConnection(database.getJdbcUrl(), database.getUsername(),
                database.getPassword()); Statement sql = connection.createStatement()) {
            String db = database.getDatabaseName();
            sql.execute("REVOKE ALL ON DATABASE " + db + " FROM PUBLIC");
            sql.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
            for (String schema : SCHEMAS) {
                String role = "tally_" + schema;
                sql.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + role + "'");
                sql.execute("CREATE SCHEMA " + schema + " AUTHORIZATION " + role);
                sql.execute("GRANT CONNECT, TEMPORARY ON DATABASE " + db + " TO " + role);
                sql.execute("ALTER ROLE " + role + " IN DATABASE " + db + " SET search_path = " + schema);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the test database: " + e.getMessage(), e);
        }
    }

    /** Every topic of dev-support/kafka/topics.conf, as ./dev creates them on its brokers. */
    private static void createTopics(String bootstrapServers) {
        List<NewTopic> topics = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(RepositoryRoot.resolve("dev-support/kafka/topics.conf"))) {
                String[] fields = line.strip().split("\\s+");
                if (!line.startsWith("#") && fields.length == 4) {
                    topics.add(new NewTopic(fields[0], Integer.parseInt(fields[1]), (short) 1).configs(
                            Map.of("retention.ms", Long.toString(Long.parseLong(fields[2]) * 3_600_000L))));
                }
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
                admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the test topics: " + e.getMessage(), e);
        }
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
