package io.tally.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.common.testing.RepositoryRoot;
import io.tally.common.testing.ServiceProcess;
import io.tally.common.testing.TestTokens;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml for real: PostgreSQL, Kafka, the topics job, the four service images, the console and the gateway, brought
 * up with the environment file a user writes from .env.example (its own project name and host ports Docker picks, so it
 * runs beside anything else), then a client's journey through the gateway: an account, a purchase whose grant
 * crosses Kafka, a job charged through the saga.
 */
class ComposeStackIT {

    private static final String PROJECT = "tally-it";
    private static final String STRIPE_SECRET = "whsec_compose_it_" + UUID.randomUUID();
    private static List<String> compose;
    private static TallyClient client;

    @BeforeAll
    static void composeUp() throws IOException {
        Docker.requireEngine();
        compose = new ArrayList<>(Docker.composeCommand());
        compose.addAll(List.of("--project-name", PROJECT, "--project-directory", RepositoryRoot.find().toString(),
                "--file", RepositoryRoot.resolve("docker-compose.yml").toString(), "--env-file", envFile().toString()));
        composeDown();
        Commands.run(command("up", "-d", "--build"), Duration.ofMinutes(10)).orFail("compose up");
        client = new TallyClient("http://127.0.0.1:" + publishedPort("gateway", 8080));
        try {
            await("the gateway").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> client.get("/healthz", null).statusCode() == 200);
        } catch (RuntimeException e) {
            throw new AssertionError("the compose gateway never answered:\n" + logs(), e);
        }
    }

    @AfterAll
    static void composeDownAfterwards() {
        if (compose != null) {
            composeDown();
        }
    }

    @Test
    void aClientJourneyGoesThroughTheComposeGateway() throws Exception {
        try {
            String buyer = "compose-buyer-" + UUID.randomUUID();
            assertThat(client.balance(buyer)).as("signup bonus").isEqualTo(100);

            long credits = client.buyWithStripe(buyer, STRIPE_SECRET);
            await("the purchase's grant (payments → Kafka → credits)").atMost(Duration.ofSeconds(60))
                    .until(() -> client.balance(buyer) == 100 + credits);

            HttpResponse<String> submitted = client.post("/jobs", buyer,
                    Map.of("Idempotency-Key", UUID.randomUUID().toString()),
                    "{\"type\":\"text_to_image\",\"prompt\":\"a lighthouse at dusk\",\"quality\":\"high\"}");
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
            JsonNode job = TallyClient.JSON.readTree(submitted.body());
            String jobId = job.get("id").asText();
            await("the job's price held through the saga (jobs → Kafka → credits → Kafka → jobs)")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> TallyClient.JSON.readTree(client.get("/jobs/" + jobId, buyer).body())
                            .get("status").asText().equals("QUEUED"));
            assertThat(client.available(buyer)).isEqualTo(100 + credits - job.get("cost").asLong());
            assertThat(client.balance(buyer)).as("held, not spent, until the job completes").isEqualTo(100 + credits);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\ncompose logs:\n" + logs(), e);
        }
    }

    /**
     * The console's image runs behind the gateway: the gateway started only once the console was healthy (its
     * depends_on), and a page request reaches the console itself.
     */
    @Test
    void theConsoleRunsBehindTheComposeGateway() throws Exception {
        try {
            assertThat(client.get("/console/q/health", null).statusCode()).as("the console's probes are not public")
                    .isEqualTo(404);
            // No identity provider answers at this test's issuer, so the console cannot start a sign-in and answers
            // 401 itself; a gateway with no console behind it would answer 503 with a problem.
            HttpResponse<String> page = client.get("/console/", null);
            assertThat(page.statusCode()).as(page.body()).isEqualTo(401);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\ncompose logs:\n" + logs(), e);
        }
    }

    /** .env.example with generated secrets, the test token key and free host ports, as ./dev compose-env writes it. */
    private static Path envFile() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(RepositoryRoot.resolve(".env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int equals = line.indexOf('=');
                values.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
            }
        }
        values.replaceAll((name, value) -> name.endsWith("_PASSWORD") ? randomHex() : value);
        values.put("TALLY_CONSOLE_OIDC_URL", TestTokens.ISSUER);
        values.put("TALLY_CONSOLE_OIDC_SECRET", randomHex());
        values.put("COMPOSE_PROJECT_NAME", PROJECT);
        // Port 0: Docker picks a free host port when it binds. A port probed free here beforehand could be taken
        // (by another container or process) before compose binds it, and then `up` fails with "port is already
        // allocated".
        for (String service : List.of("GATEWAY", "CREDITS", "JOBS", "PAYMENTS", "PRESENCE")) {
            values.put("TALLY_" + service + "_PORT", "0");
        }
        values.put("TALLY_JWT_ISSUER", TestTokens.ISSUER);
        values.put("TALLY_JWT_PUBLIC_KEY_FILE", ServiceProcess.testPublicKey().toString());
        values.put("TALLY_STRIPE_WEBHOOK_SECRETS", STRIPE_SECRET);
        values.put("TALLY_STRIPE_LIVEMODE", "false");
        values.put("TALLY_PAYMENTS_DEMO_CATALOGUE", "true");
        values.put("TALLY_IMAGE_TAG", "it");
        // The images ./dev test chose (built here where no registry is reachable); the shell wins over the file anyway.
        for (String image : List.of("TALLY_BASE_IMAGE", "TALLY_POSTGRES_IMAGE", "TALLY_KAFKA_IMAGE", "TALLY_NGINX_IMAGE")) {
            values.put(image, Docker.env(image, values.get(image)));
        }
        StringBuilder text = new StringBuilder();
        values.forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
        Path file = Path.of("target", "compose-it.env").toAbsolutePath();
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    /** The host port Docker chose for a service's container port (`compose port` prints e.g. 0.0.0.0:32771). */
    private static int publishedPort(String service, int containerPort) {
        String output = Commands.run(command("port", service, Integer.toString(containerPort)), Duration.ofMinutes(1))
                .orFail("compose port " + service).output();
        Matcher address = Pattern.compile(":(\\d+)\\s*$", Pattern.MULTILINE).matcher(output);
        if (!address.find()) {
            throw new AssertionError("compose port " + service + " printed no address:\n" + output);
        }
        return Integer.parseInt(address.group(1));
    }

    private static List<String> command(String... arguments) {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of(arguments));
        return command;
    }

    private static void composeDown() {
        Commands.run(command("down", "--volumes", "--remove-orphans", "--timeout", "30"), Duration.ofMinutes(3));
    }

    private static String logs() {
        return Commands.tail(Commands.run(command("logs", "--no-color", "--tail", "40"), Duration.ofMinutes(1)).output(), 200);
    }

    private static String randomHex() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
