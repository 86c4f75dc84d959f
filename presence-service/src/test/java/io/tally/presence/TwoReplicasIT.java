package io.tally.presence;

import static io.tally.presence.PresenceApi.BOX_PUBLISHED;
import static io.tally.presence.PresenceApi.BOX_UNPUBLISHED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tally.common.events.Topics;
import io.tally.common.testing.ServiceProcess;
import io.tally.common.testing.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two packaged replicas on one database, both sweeping every 500 ms: viewers join the same boxes through both
 * at the same moment, then go silent. Each box must be published once and unpublished once — no transition
 * lost, none emitted twice.
 */
class TwoReplicasIT {

    private static final Map<String, String> FAST_TIMING = Map.of("TALLY_PRESENCE_TIMEOUT", "3s",
            "TALLY_PRESENCE_SWEEP_EVERY", "500ms", "TALLY_PRESENCE_FLUSH_EVERY", "200ms",
            "TALLY_PRESENCE_MIN_HEARTBEAT_INTERVAL", "200ms", "TALLY_PRESENCE_HEARTBEAT_WRITE_EVERY", "1s");
    private static ServiceProcess first;
    private static ServiceProcess second;

    @BeforeAll
    static void startReplicas() {
        first = ServiceProcess.start("presence-service", FAST_TIMING);
        second = ServiceProcess.start("presence-service", FAST_TIMING);
    }

    @AfterAll
    static void stopReplicas() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    @Test
    void eachTransitionIsEmittedOnceAcrossReplicas() {
        PresenceApi a = new PresenceApi(first.baseUrl());
        PresenceApi b = new PresenceApi(second.baseUrl());
        try (TopicReader events = new TopicReader(Topics.PRESENCE)) {
            List<UUID> boxes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                boxes.add(a.createBox(PresenceApi.newUser("streamer")));
            }
            // Both replicas race to publish every box, one thread per join whatever the core count. Each box is read
            // as soon as its two joins are answered: its viewers never heartbeat, so once the 3 s timeout has passed
            // the sweeps may rightly drop them, and reading every box only after the slowest of the 40 joins (seconds,
            // on freshly started replicas) could find the first ones unpublished already.
            ExecutorService clients = Executors.newFixedThreadPool(2 * boxes.size());
            try {
                List<CompletableFuture<Boolean>> publishedAfterJoins = new ArrayList<>();
                for (UUID box : boxes) {
                    CompletableFuture<UUID> viaA = CompletableFuture.supplyAsync(
                            () -> a.joined(box, PresenceApi.newUser("viewer-a")), clients);
                    CompletableFuture<UUID> viaB = CompletableFuture.supplyAsync(
                            () -> b.joined(box, PresenceApi.newUser("viewer-b")), clients);
                    publishedAfterJoins.add(viaA.thenCombineAsync(viaB, (x, y) -> b.published(box), clients));
                }
                publishedAfterJoins.forEach(published -> assertThat(published.join()).isTrue());
            } finally {
                clients.shutdown();
            }

            // Nobody heartbeats: both replicas' sweeps find the same silent connections.
            await().atMost(Duration.ofSeconds(15)).until(() -> boxes.stream().noneMatch(a::published));
            await().atMost(Duration.ofSeconds(15)).until(() -> boxes.stream()
                    .allMatch(box -> PresenceApi.events(events, box, BOX_UNPUBLISHED).size() >= 1));
            // A little longer, so a duplicate emitted late would be seen.
            await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
            for (UUID box : boxes) {
                assertThat(PresenceApi.events(events, box, BOX_PUBLISHED)).as("published events of %s", box).hasSize(1);
                assertThat(PresenceApi.events(events, box, BOX_UNPUBLISHED)).as("unpublished events of %s", box).hasSize(1);
            }
        }
    }

    @Test
    void aHeartbeatThroughEitherReplicaKeepsTheConnection() {
        PresenceApi a = new PresenceApi(first.baseUrl());
        PresenceApi b = new PresenceApi(second.baseUrl());
        UUID box = a.createBox(PresenceApi.newUser("streamer"));
        String viewer = PresenceApi.newUser("roamer");
        UUID connection = a.joined(box, viewer);
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        boolean viaFirst = false;
        while (System.nanoTime() < until) {
            await().pollDelay(Duration.ofMillis(400)).until(() -> true);
            (viaFirst ? a : b).heartbeat(box, connection, viewer).then().statusCode(200);
            viaFirst = !viaFirst;
        }
        assertThat(a.published(box)).isTrue();
        b.heartbeat(box, connection, PresenceApi.newUser("thief")).then().statusCode(404);
    }
}
