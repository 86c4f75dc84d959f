package io.tally.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A command-line tool run to its end, with its output (stdout and stderr together) for assertions and failures. */
final class Commands {

    private Commands() {
    }

    record Result(int exitCode, String output) {
        Result orFail(String what) {
            if (exitCode != 0) {
                throw new AssertionError(what + " failed (exit " + exitCode + "):\n" + tail(output, 60));
            }
            return this;
        }
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
            throw new IllegalStateException("cannot run " + command.get(0) + " (./dev test installs what the tests need): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
