package io.tally.common.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A ScheduledPass bean runs on its own, again and again, and a failed run does not stop its schedule. */
@QuarkusTest
class ScheduledPassesTest {

    /** Fails its first run, then counts. */
    @ApplicationScoped
    static class CountingPass implements ScheduledPass {

        private final AtomicInteger attempts = new AtomicInteger();
        private final AtomicInteger succeeded = new AtomicInteger();

        // Read through methods: the test holds a client proxy, whose own fields are not the bean's.
        int attempts() {
            return attempts.get();
        }

        int succeeded() {
            return succeeded.get();
        }

        @Override
        public Schedule schedule() {
            return new Schedule("Counting test pass", Duration.ofMillis(100), Duration.ofMillis(100));
        }

        @Override
        public Uni<Integer> runOnce() {
            if (attempts.incrementAndGet() == 1) {
                return Uni.createFrom().failure(new IllegalStateException("first run fails on purpose"));
            }
            return Uni.createFrom().item(succeeded.incrementAndGet());
        }
    }

    @Inject
    CountingPass pass;

    @Test
    void runsOnItsScheduleAndGoesOnAfterAFailedRun() {
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(pass.succeeded()).isGreaterThanOrEqualTo(3));
        assertThat(pass.attempts()).isGreaterThan(pass.succeeded());
    }
}
