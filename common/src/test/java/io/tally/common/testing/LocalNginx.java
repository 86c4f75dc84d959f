package io.tally.common.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Debian's nginx running the gateway template (the one docker-compose's gateway renders), in front of services on
 * this machine, as a child process. Stopped by {@link #close()}.
 */
public final class LocalNginx implements AutoCloseable {

    private final Path directory;
    private final int port;
    private final Process process;

    private LocalNginx(Path directory, int port, Process process) {
        this.directory = directory;
        this.port = port;
        this.process = process;
    }

    /**
     * upstreams: service name (credits, jobs, payments, presence, console) → port on 127.0.0.1; trustedProxies: the
     * CIDR whose X-Forwarded-For the gateway believes.
     */
    public static LocalNginx start(Map<String, Integer> upstreams, int edgeRatePerSecond, int edgeBurst,
                                   String trustedProxies) throws IOException {
        Path directory = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "gateway");
        Files.createDirectories(directory.resolve("logs"));
        Files.createDirectories(directory.resolve("temp"));
        int port = ServiceProcess.freePort();
        Map<String, String> values = new HashMap<>(Map.of(
                "TALLY_GATEWAY_PORT", "127.0.0.1:" + port,
                "TALLY_EDGE_RATE_PER_SECOND", Integer.toString(edgeRatePerSecond),
                "TALLY_EDGE_BURST", Integer.toString(edgeBurst),
                "TALLY_GATEWAY_TRUSTED_PROXIES", trustedProxies));
        upstreams.forEach((service, upstreamPort) ->
                values.put("TALLY_" + service.toUpperCase() + "_UPSTREAM", "127.0.0.1:" + upstreamPort));
        Files.writeString(directory.resolve("tally.conf"), GatewayTemplate.read().render(values));
        Files.copy(GatewayTemplate.LOCAL_MAIN_CONFIG, directory.resolve("nginx.conf"));
        Process process = new ProcessBuilder(nginxBinary(), "-p", directory.toString(),
                "-c", directory.resolve("nginx.conf").toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(directory.resolve("logs/stdout.log").toFile()).start();
        LocalNginx nginx = new LocalNginx(directory, port, process);
        nginx.awaitListening();
        return nginx;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: nginx's fast shutdown
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private void awaitListening() {
        Awaitility.await("nginx listening on " + port).atMost(Duration.ofSeconds(15)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue() + ": "
                        + Files.readString(directory.resolve("logs/stdout.log"))
                        + Files.readString(directory.resolve("logs/error.log")));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    /** TALLY_NGINX (set by ./dev test), else nginx on the PATH, else Debian's location. */
    private static String nginxBinary() {
        String configured = System.getenv("TALLY_NGINX");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("nginx is not installed; ./dev test installs it (apt-get install nginx)");
    }
}
