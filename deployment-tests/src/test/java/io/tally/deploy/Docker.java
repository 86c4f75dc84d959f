package io.tally.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Docker engine of this machine, through its command-line client: what a user runs. `./dev test` starts the
 * engine and exports the images to use where no registry is reachable ({@code TALLY_BASE_IMAGE} and the
 * {@code TALLY_*_IMAGE} of the infrastructure); without those variables the registries' images are used.
 */
final class Docker {

    /** docker/Dockerfile.jvm's default base, what a user with a registry builds on. */
    static final String DEFAULT_BASE_IMAGE = "debian:bookworm-slim";

    private Docker() {
    }

    static Commands.Result docker(Duration timeout, String... arguments) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(arguments));
        return Commands.run(command, timeout);
    }

    /** {@code docker compose} where the plugin is installed, else docker-compose (v1, Debian's package). */
    static List<String> composeCommand() {
        for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            List<String> version = new ArrayList<>(candidate);
            version.add("version");
            try {
                if (Commands.run(version, Duration.ofSeconds(20)).exitCode() == 0) {
                    return candidate;
                }
            } catch (IllegalStateException notInstalled) {
                // try the next one
            }
        }
        throw new IllegalStateException("neither `docker compose` nor docker-compose is installed (./dev test installs it)");
    }

    /** Fails with a clear message when no engine answers, rather than with the first command's error. */
    static void requireEngine() {
        Commands.Result info = docker(Duration.ofSeconds(30), "info", "--format", "{{.ServerVersion}}");
        if (info.exitCode() != 0) {
            throw new IllegalStateException("no Docker engine answers `docker info` (./dev test starts one): " + info.output());
        }
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
