package io.tally.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A packaged Tally service (the same {@code quarkus-run.jar} {@code ./dev up} runs) started as a separate OS
 * process against the test database and broker, with the test JWT key. Used where a test needs a real partner
 * service, e.g. jobs-service's saga against credits-service.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final String service;
    private final int port;
    private final Path log;
    private final Process process;

    private ServiceProcess(String service, int port, Path log, Process process) {
        this.service = service;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code <module>/target/quarkus-app/quarkus-run.jar} and waits until it is ready. */
    public static ServiceProcess start(String module, Map<String, String> extraEnv) {
        return start(module, extraEnv, "/q/health/ready");
    }

    /**
     * Like {@link #start(String, Map)}, waiting for the given health path (readiness needs the database only;
     * {@code /q/health/started} also waits for a first connection to the broker).
     */
    public static ServiceProcess start(String module, Map<String, String> extraEnv, String healthPath) {
        Path jar = RepositoryRoot.find().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: package " + module
                    + " first (./mvnw -pl " + module + " -am package -DskipTests), or run ./dev test");
        }
        try {
            int port = freePort();
            Path log = Path.of("target", module + "-" + port + "-process.log").toAbsolutePath();
            Files.createDirectories(log.getParent());
            ClassDataArchive classData = ClassDataArchive.of(jar);
            List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC"));
            command.addAll(classData.jvmOptions());
            // from the jar's directory, as ./dev runs it: the archive checks the class path exactly as given
            command.addAll(List.of("-jar", jar.getFileName().toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(jar.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.putAll(testEnvironment(port));
            if (module.endsWith("-service")) {   // the console has no Kafka client
                env.put("TALLY_KAFKA_PASSWORD", TestInfrastructure.kafkaPassword(module.replace("-service", "")));
            }
            env.putAll(extraEnv);
            ServiceProcess started = new ServiceProcess(module, port, log, builder.start());
            started.awaitHealthy(healthPath);
            classData.writeFrom(started.process);
            return started;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + module, e);
        }
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * The lines where the process logged an exception nobody handled (Vert.x' "Uncaught exception received"): each
     * is a request or callback that silently never finished, which no status code reveals.
     */
    public List<String> uncaughtExceptions() {
        try {
            List<String> lines = Files.readAllLines(log);
            List<String> found = new java.util.ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains("Uncaught exception") && !isPoolTimerAfterFailedAcquire(lines, i)) {
                    found.add(service + ": " + lines.get(i));
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * vertx-sql-client's pool does not cancel its connection-timeout timer when acquiring a connection fails (the
     * database is down), and the timer then fails the already-failed promise: "Result is already complete" from
     * SqlConnectionPool.lambda$execute (eclipse-vertx/vertx-sql-client#1706, open). The caller had its failure
     * already, so nothing is lost; it is the one uncaught exception that is not a lost request or callback.
     */
    private static boolean isPoolTimerAfterFailedAcquire(List<String> lines, int at) {
        return lines.get(at).contains("IllegalStateException: Result is already complete")
                && lines.subList(at + 1, Math.min(lines.size(), at + 4)).stream()
                        .anyMatch(line -> line.contains("SqlConnectionPool.lambda$execute"));
    }

    /** What the process has logged so far, line by line. */
    public List<String> logLines() {
        try {
            return Files.readAllLines(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Like {@code kill -9}: no shutdown hooks, no graceful close. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        process.destroy();
        if (!waitFor(Duration.ofSeconds(15))) {
            kill();
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitHealthy(String healthPath) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(baseUrl() + healthPath))
                .timeout(Duration.ofSeconds(5)).build();
        try {
            Awaitility.await(service + " ready").atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(service + " exited with " + process.exitValue());
                        }
                        try {
                            return client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                        } catch (IOException notListeningYet) {
                            return false;
                        }
                    });
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException(service + " did not become ready (" + e.getMessage() + "); log:\n"
                    + logTail(), e);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    /** What `./dev test` gives the services: the test database and broker, and the test token key. */
    private static Map<String, String> testEnvironment(int port) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("TALLY_DB_HOST", TestInfrastructure.dbHost());
        env.put("TALLY_DB_PORT", TestInfrastructure.dbPort());
        env.put("TALLY_DB_NAME", TestInfrastructure.testDbName());
        env.put("KAFKA_BOOTSTRAP_SERVERS", TestKafka.bootstrapServers());
        env.put("TALLY_JWT_KEY_LOCATION", "file:" + testPublicKey());
        env.put("TALLY_JWT_ISSUER", TestTokens.ISSUER);
        env.put("TALLY_OUTBOX_POLL_INTERVAL", "200ms");
        return env;
    }

    /** The public key of {@link TestTokens}, as a file (for a process or a container to read). */
    // Synchronized: services started in parallel would race on the same file (REPLACE_EXISTING is not atomic).
    public static synchronized Path testPublicKey() throws IOException {
        Path key = Path.of("target", "test-jwt-public.pem").toAbsolutePath();
        Files.createDirectories(key.getParent());
        try (InputStream in = ServiceProcess.class.getClassLoader().getResourceAsStream("test-jwt/public.pem")) {
            if (in == null) {
                throw new IllegalStateException("test-jwt/public.pem is not on the test classpath");
            }
            Files.copy(in, key, StandardCopyOption.REPLACE_EXISTING);
        }
        return key;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
