package io.tally.common.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
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
        ControlCommand.run("TALLY_KAFKA_CONTROL", "broker", action, Duration.ofSeconds(90));
    }

    /** The broker TestContainers started: stopped and started as the same container, on the same host port. */
    private static void inContainer(String containerId, String action) {
        DockerClient docker = DockerClientFactory.instance().client();
        if (action.equals("stop")) {
            docker.stopContainerCmd(containerId).withTimeout(20).exec();
            return;
        }
        docker.startContainerCmd(containerId).exec();
        try {
            Awaitility.await("the broker container back").atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> {
                try (Admin admin = Admin.create(TestKafka.adminClient())) {
                    return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
                }
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(e.getMessage() + "\n" + describe(docker, containerId), e);
        }
    }

    /** The container's state and the end of its log, for a broker that did not come back. */
    private static String describe(DockerClient docker, String containerId) {
        InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(containerId).exec().getState();
        StringBuilder log = new StringBuilder();
        try {
            docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTail(60)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            log.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                        }
                    }).awaitCompletion(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "broker container " + containerId + ": running=" + state.getRunning() + ", exit code="
                + state.getExitCodeLong() + ", error=" + state.getError() + "; its log ends with:\n" + log;
    }
}
