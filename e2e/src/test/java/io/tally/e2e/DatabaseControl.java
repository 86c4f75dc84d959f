package io.tally.e2e;

import io.tally.common.testing.ControlCommand;
import java.time.Duration;

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
        ControlCommand.run("TALLY_DB_CONTROL", "database", action, Duration.ofSeconds(120));
    }
}
