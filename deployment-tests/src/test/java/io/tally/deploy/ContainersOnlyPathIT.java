package io.tally.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.common.testing.RepositoryRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The path of a developer who runs `./mvnw verify` without ./dev: nothing in the environment says where PostgreSQL
 * and Kafka are, so common's TestContainers starts both on this machine's engine (with the images ./dev test
 * chose) and prepares them. Runs common's broker-outage and outbox tests that way, in a separate Maven run on the
 * classes this build compiled: they need the database, the broker, and stopping and starting the broker.
 * (Not named Test…: surefire's default includes take {@code Test*.java}, which ran this failsafe test twice.)
 */
class ContainersOnlyPathIT {

    /** What ./dev test exports to tell the tests where everything is; removed here. */
    private static final List<String> DEV_TEST_ENVIRONMENT = List.of("TALLY_DB_HOST", "TALLY_DB_PORT",
            "TALLY_TEST_DB_NAME", "KAFKA_BOOTSTRAP_SERVERS", "TALLY_KAFKA_CONTROL");

    @Test
    void commonsBrokerOutageAndOutboxTestsPassOnContainersAlone() throws Exception {
        Docker.requireEngine();
        Path root = RepositoryRoot.find();
        Path log = Path.of("target", "testcontainers-path.log").toAbsolutePath();
        ProcessBuilder maven = new ProcessBuilder(root.resolve("mvnw").toString(), "-B", "-o", "-pl", "common",
                "surefire:test", "-Dtest=BrokerOutageTest,OutboxRelayTest", "-Dsurefire.failIfNoSpecifiedTests=false")
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = maven.environment();
        DEV_TEST_ENVIRONMENT.forEach(environment::remove);
        // The local broker's credentials too: the run makes its own for the container.
        environment.keySet().removeIf(name -> name.startsWith("TALLY_KAFKA_") && name.endsWith("PASSWORD")
                || name.startsWith("TALLY_KAFKA_PASSWORD_"));
        String base = System.getenv("TALLY_BASE_IMAGE");
        if (base != null && base.startsWith("tally-local/")) {
            // No registry here: Testcontainers' own helpers are not pulled (the session stops what it started).
            environment.put("TESTCONTAINERS_RYUK_DISABLED", "true");
            environment.put("TESTCONTAINERS_CHECKS_DISABLE", "true");
            environment.put("TESTCONTAINERS_TINYIMAGE_CONTAINER_IMAGE", base);
        }
        Process process = maven.start();
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("the Maven run ended").isTrue();
        String output = Files.readString(log);
        assertThat(output).as("the run's log, %s", log).contains("Container is started (JDBC URL: jdbc:postgresql://");
        assertThat(process.exitValue()).as(Commands.tail(output, 60)).isZero();
        assertThat(output).containsPattern("Tests run: 5, Failures: 0, Errors: 0, Skipped: 0");
    }
}
