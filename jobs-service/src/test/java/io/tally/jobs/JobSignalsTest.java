package io.tally.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.tally.jobs.job.JobSignals;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The wake-ups long-polling claims wait on. They are subscribed on an event loop, as a claim request does: only
 * there is the timeout a Vert.x timer (elsewhere Quarkus schedules it on a plain executor).
 */
@QuarkusTest
class JobSignalsTest {

    @Inject
    JobSignals signals;

    @Inject
    Vertx vertx;

    /** A claim's last sliver of waitSeconds once made a wait Vert.x refused to time, which then never ended. */
    @Test
    void aWaitShorterThanATimerTickStillEnds() throws Exception {
        for (Duration sliver : List.of(Duration.ZERO, Duration.ofNanos(1), Duration.ofNanos(999_999))) {
            CompletableFuture<Void> ended = new CompletableFuture<>();
            vertx.runOnContext(ignored -> signals.awaitWork(sliver)
                    .subscribe().with(ended::complete, ended::completeExceptionally));
            ended.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWaitEndsAsSoonAsWorkArrives() throws Exception {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        CompletableFuture<Void> waiting = new CompletableFuture<>();
        vertx.runOnContext(ignored -> {
            signals.awaitWork(Duration.ofMinutes(5)).subscribe().with(ended::complete, ended::completeExceptionally);
            waiting.complete(null);
        });
        waiting.get(5, TimeUnit.SECONDS);
        assertThat(ended).isNotDone();
        signals.workArrived();
        ended.get(5, TimeUnit.SECONDS);
    }
}
