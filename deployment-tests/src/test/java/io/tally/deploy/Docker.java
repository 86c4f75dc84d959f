package io.tally.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    record Result(int exitCode, String output) {
        Result orFail(String what) {
            if (exitCode != 0) {
                throw new AssertionError(what + " failed (exit " + exitCode + "):\n" + tail(output, 60));
            }
            return this;
        }
    }

    static Result docker(Duration timeout, String... arguments) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(arguments));
        return run(command, timeout);
    }

    /** {@code docker compose} where the plugin is installed, else docker-compose (v1, Debian's package). */
    static List<String> composeCommand() {
        for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            List<String> version = new ArrayList<>(candidate);
            version.add("version");
            try {
                if (run(version, Duration.ofSeconds(20)).exitCode() == 0) {
                    return candidate;
                }
            } catch (IllegalStateException notInstalled) {
                // try the next one
            }
        }
        throw new IllegalStateException("neither `docker compose` nor docker-compose is installed (./dev test installs it)");
    }

    static Result run(List<String> command, Duration timeout) {
        try {
            Path output = Files.createTempFile("tally-docker", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            Files.deleteIfExists(output);
            if (!ended) {
                throw new AssertionError(String.join(" ", command) + " did not end within " + timeout + ":\n" + tail(text, 40));
            }
            return new Result(process.exitValue(), text);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + " (./dev test installs Docker): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Fails with a clear message when no engine answers, rather than with the first command's error. */
    static void requireEngine() {
        Result info = docker(Duration.ofSeconds(30), "info", "--format", "{{.ServerVersion}}");
        if (info.exitCode() != 0) {
            throw new IllegalStateException("no Docker engine answers `docker info` (./dev test starts one): " + info.output());
        }
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
