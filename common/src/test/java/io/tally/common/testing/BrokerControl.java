package io.tally.common.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops and restarts the real test broker, through the command `./dev test` exports
 * (TALLY_KAFKA_CONTROL = "./dev _kafka test"). The broker keeps its data, like a real restart.
 */
public final class BrokerControl {

    private BrokerControl() {
    }

    public static void stop() {
        run("stop");
    }

    public static void start() {
        run("start");
    }

    private static void run(String action) {
        String control = System.getenv("TALLY_KAFKA_CONTROL");
        if (control == null || control.isBlank()) {
            throw new IllegalStateException("TALLY_KAFKA_CONTROL is not set: run the tests with ./dev test");
        }
        List<String> command = new ArrayList<>(List.of(control.split(" ")));
        command.add(action);
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (!process.waitFor(90, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("broker " + action + " failed: " + command);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
