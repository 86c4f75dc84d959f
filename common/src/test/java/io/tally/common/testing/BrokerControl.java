package io.tally.common.testing;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.Awaitility;
import org.testcontainers.DockerClientFactory;

/**
 * Stops and restarts the real test broker, through the command `./dev test` exports
 * (TALLY_KAFKA_CONTROL = "./dev _kafka test"), or the broker container {@link TestContainers} started. The broker
 * keeps its data, like a real restart.
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
        if ((control == null || control.isBlank()) && TestContainers.brokerContainerId().isPresent()) {
            inContainer(TestContainers.brokerContainerId().get(), action);
            return;
        }
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

    /** The broker TestContainers started: stopped and started as the same container, on the same host port. */
    private static void inContainer(String containerId, String action) {
        DockerClient docker = DockerClientFactory.instance().client();
        if (action.equals("stop")) {
            docker.stopContainerCmd(containerId).withTimeout(20).exec();
            return;
        }
        docker.startContainerCmd(containerId).exec();
        Awaitility.await("the broker container back").atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            try (Admin admin = Admin.create(TestKafka.adminClient())) {
                return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
            }
        });
    }
}
