package io.tally.deploy;

import static io.tally.deploy.Docker.docker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tally.common.testing.RepositoryRoot;
import io.tally.common.testing.ServiceProcess;
import io.tally.common.testing.TestInfrastructure;
import io.tally.common.testing.TestKafka;
import io.tally.common.testing.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every service image built from docker/Dockerfile.jvm, as a user builds it, and run the way the Kubernetes
 * manifests run it: a read-only root file system with a writable /tmp, the image's own non-root user, a memory
 * limit. Each must start, become ready on the test database and broker, answer an authenticated request (and
 * refuse an anonymous one), and stop cleanly on SIGTERM within the pods' grace period.
 */
class ServiceImagesIT {

    /** terminationGracePeriodSeconds of the Deployments (k8s/base/service-pod-defaults.yaml). */
    private static final int GRACE_SECONDS = 30;
    private static final String TAG = "it";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** A request only a signed-in user may make, per service. */
    private static final Map<String, String> AUTHENTICATED_PATH = Map.of(
            "credits-service", "/credits/me",
            "jobs-service", "/jobs",
            "payments-service", "/payments",
            "presence-service", "/boxes?published=true");

    private static Path jwtKey;

    @BeforeAll
    static void buildTheImages() throws IOException {
        Docker.requireEngine();
        jwtKey = ServiceProcess.testPublicKey();
        for (String service : AUTHENTICATED_PATH.keySet()) {
            docker(Duration.ofMinutes(10), "build", "-q",
                    "--build-arg", "BASE_IMAGE=" + Docker.env("TALLY_BASE_IMAGE", Docker.DEFAULT_BASE_IMAGE),
                    "-f", RepositoryRoot.resolve("docker/Dockerfile.jvm").toString(),
                    "-t", image(service),
                    RepositoryRoot.resolve(service).resolve("target/quarkus-app").toString())
                    .orFail("docker build of " + service);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"credits-service", "jobs-service", "payments-service", "presence-service"})
    void theImageStartsServesAndStopsLikeAPod(String service) throws Exception {
        assertThat(docker(Duration.ofSeconds(30), "image", "inspect", "--format", "{{.Config.User}}", image(service))
                .orFail("inspect").output().strip()).as("the image's user").isEqualTo("185:185");

        int port = ServiceProcess.freePort();
        String container = "tally-it-" + service + "-" + port;
        List<String> run = new ArrayList<>(List.of("run", "-d", "--name", container, "--network", "host",
                "--read-only", "--tmpfs", "/tmp:exec,mode=1777,size=64m", "--memory", "768m",
                "-v", jwtKey + ":/etc/tally/jwt/public.pem:ro"));
        Map<String, String> environment = Map.of(
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "TALLY_DB_HOST", Docker.env("TALLY_DB_HOST", "127.0.0.1"),
                "TALLY_DB_PORT", Docker.env("TALLY_DB_PORT", "5432"),
                "TALLY_DB_NAME", Docker.env("TALLY_TEST_DB_NAME", "tally_test"),
                "KAFKA_BOOTSTRAP_SERVERS", TestKafka.bootstrapServers(),
                "TALLY_KAFKA_PASSWORD", TestInfrastructure.kafkaPassword(service.replace("-service", "")),
                "TALLY_JWT_KEY_LOCATION", "file:/etc/tally/jwt/public.pem",
                "TALLY_JWT_ISSUER", TestTokens.ISSUER);
        environment.forEach((name, value) -> run.addAll(List.of("-e", name + "=" + value)));
        run.add(image(service));
        docker(Duration.ofSeconds(60), run.toArray(String[]::new)).orFail("docker run of " + service);
        try {
            String base = "http://127.0.0.1:" + port;
            try {
                await(service + " ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> status(base + "/q/health/ready", null) == 200);
            } catch (RuntimeException e) {
                throw new AssertionError(service + " did not become ready; its log:\n" + logs(container), e);
            }

            String path = AUTHENTICATED_PATH.get(service);
            assertThat(status(base + path, null)).as("anonymous GET %s", path).isEqualTo(401);
            assertThat(status(base + path, TestTokens.bearer("image-it-user", "user"))).as("GET %s", path).isEqualTo(200);

            assertThat(docker(Duration.ofSeconds(30), "exec", container, "id", "-u").orFail("id").output().strip())
                    .as("uid of the service's process").isEqualTo("185");
            Commands.Result write = docker(Duration.ofSeconds(30), "exec", container, "touch", "/deployments/written");
            assertThat(write.exitCode()).as("writing outside /tmp").isNotZero();
            assertThat(write.output()).contains("Read-only file system");

            long stopping = System.nanoTime();
            docker(Duration.ofSeconds(GRACE_SECONDS + 30), "stop", "-t", Integer.toString(GRACE_SECONDS), container)
                    .orFail("docker stop");
            Duration stoppedIn = Duration.ofNanos(System.nanoTime() - stopping);
            String state = docker(Duration.ofSeconds(30), "inspect", "--format", "{{.State.ExitCode}} {{.State.OOMKilled}}",
                    container).orFail("inspect").output().strip();
            // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks; 137 would mean the engine had to SIGKILL it.
            assertThat(state).as("exit code and OOM kill of %s", service).isEqualTo("143 false");
            assertThat(stoppedIn).as("time to stop %s", service).isLessThan(Duration.ofSeconds(GRACE_SECONDS));
            // JSON lines in a container, one object per line, for a log collector.
            assertThat(logs(container).lines().filter(line -> line.contains(service + " stopped in")))
                    .as("log of %s", service).singleElement()
                    .satisfies(line -> assertThat(TallyClient.JSON.readTree(line).get("message").asText())
                            .containsPattern(service + " stopped in \\d"));
        } finally {
            docker(Duration.ofSeconds(60), "rm", "-f", container);
        }
    }

    private static String image(String service) {
        return "tally/" + service + ":" + TAG;
    }

    private static int status(String url, String authorization) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notListeningYet) {
            return -1;
        }
    }

    private static String logs(String container) {
        return Commands.tail(docker(Duration.ofSeconds(30), "logs", container).output(), 80);
    }
}
