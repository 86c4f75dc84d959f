package io.tally.common.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command `./dev test` exports for the fault tests (TALLY_KAFKA_CONTROL = "./dev _kafka test", TALLY_DB_CONTROL =
 * "./dev _postgres"), run with an action appended; it must succeed within its patience.
 */
public final class ControlCommand {

    private ControlCommand() {
    }

    /** @param what what is being controlled, for the error messages ("broker", "database") */
    public static void run(String environmentVariable, String what, String action, Duration patience) {
        String control = System.getenv(environmentVariable);
        if (control == null || control.isBlank()) {
            throw new IllegalStateException(environmentVariable + " is not set: run the tests with ./dev test");
        }
        List<String> command = new ArrayList<>(List.of(control.split(" ")));
        command.add(action);
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (!process.waitFor(patience.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(what + " " + action + " failed: " + command);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
