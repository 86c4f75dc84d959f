package io.tally.console;

import io.tally.common.testing.RepositoryRoot;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Keycloak's distribution (from Maven Central, unpacked by the build into target/keycloak) as a child process in
 * dev mode, with the realm ./dev up imports: the console's client, an admin and a support operator, and the key the
 * services trust, so the tokens it issues are the ones the services accept.
 */
final class KeycloakServer implements AutoCloseable {

    static final String REALM = "tally";

    private final Process process;
    private final int port;
    private final Path log;

    private KeycloakServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** values: what replaces ${CONSOLE_URL}, ${GATEWAY_URL}, ${CONSOLE_SECRET}, ${ADMIN_PASSWORD}, ${SUPPORT_PASSWORD}. */
    static KeycloakServer start(int port, Map<String, String> values) throws IOException {
        Path home = distribution();
        // Dev mode keeps its realms in data/h2, and --import-realm skips a realm that exists: start from none, so
        // this run's console address and secrets are the ones imported.
        deleteRecursively(home.resolve("data/h2"));
        Path realm = home.resolve("data/import/tally-realm.json");
        Files.createDirectories(realm.getParent());
        String text = Files.readString(RepositoryRoot.resolve("dev-support/keycloak/tally-realm.json"))
                .replace("${SIGNING_KEY}", jsonEscaped(testSigningKey()));
        for (Map.Entry<String, String> value : values.entrySet()) {
            text = text.replace("${" + value.getKey() + "}", jsonEscaped(value.getValue()));
        }
        Files.writeString(realm, text);
        Path log = Path.of("target", "keycloak.log").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-port=" + port, "--hostname=http://127.0.0.1:" + port, "--import-realm",
                "--http-management-port=0", "--cache=local")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_OPTS_APPEND", "-Xms64m -Xmx512m");
        KeycloakServer server = new KeycloakServer(builder.start(), port, log);
        server.awaitRealm();
        return server;
    }

    String issuer() {
        return "http://127.0.0.1:" + port + "/realms/" + REALM;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private void awaitRealm() {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest discovery = HttpRequest.newBuilder(URI.create(issuer() + "/.well-known/openid-configuration")).build();
        Awaitility.await("Keycloak serving realm " + REALM).atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1)).until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ":\n"
                                + Files.readString(log));
                    }
                    try {
                        return http.send(discovery, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    } catch (IOException notYet) {
                        return false;
                    }
                });
    }

    /** target/keycloak/keycloak-<version>, unpacked by the maven-dependency-plugin (console/pom.xml). */
    private static Path distribution() throws IOException {
        Path unpacked = Path.of("target", "keycloak").toAbsolutePath();
        try (var entries = Files.list(unpacked)) {
            return entries.filter(path -> path.getFileName().toString().startsWith("keycloak-")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Keycloak distribution under " + unpacked
                            + "; the build unpacks it (mvn verify -pl console)"));
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (var paths = Files.walk(directory)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    /** The private half of the key the test services trust (common's test-jwt/private.pem). */
    private static String testSigningKey() throws IOException {
        try (InputStream pem = KeycloakServer.class.getClassLoader().getResourceAsStream("test-jwt/private.pem")) {
            if (pem == null) {
                throw new IllegalStateException("test-jwt/private.pem is not on the test class path");
            }
            return new String(pem.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static String jsonEscaped(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "");
    }
}
