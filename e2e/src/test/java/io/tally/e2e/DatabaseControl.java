package io.tally.e2e;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Crashes, stops and starts the real PostgreSQL the suite runs on, through the command `./dev test` exports
 * (TALLY_DB_CONTROL = "./dev _postgres"). The data survives, as on a real server: a crash is followed by
 * PostgreSQL's own crash recovery.
 */
final class DatabaseControl {

    private DatabaseControl() {
    }

    /** SIGKILL to the postmaster and every backend, then a start (with crash recovery). */
    static void crashAndRestart() {
        run("kill");
    }

    static void stop() {
        run("stop");
    }

    static void start() {
        run("start");
    }

    private static void run(String action) {
        String control = System.getenv("TALLY_DB_CONTROL");
        if (control == null || control.isBlank()) {
            throw new IllegalStateException("TALLY_DB_CONTROL is not set: run the tests with ./dev test, as root, "
                    + "on a local PostgreSQL cluster");
        }
        List<String> command = new ArrayList<>(List.of(control.split(" ")));
        command.add(action);
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("database " + action + " failed: " + command);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
