package io.tally.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a profiled run prints: each process's hottest frames by samples of their own; nothing without --profile. */
@Tag("unit")
class ProfilerTest {

    @Test
    void theHottestFramesAreThoseWithTheMostSamplesOfTheirOwn(@TempDir Path dir) throws Exception {
        Path collapsed = dir.resolve("credits.collapsed");
        // The leaf is what ran; a frame that only calls others (run, handle) has no samples of its own. Kernel
        // frames count apart.
        Files.writeString(collapsed, """
                Thread.run;EventLoop.run;Http.handle;Json.parse 30
                Thread.run;EventLoop.run;Http.handle;Jwt.verify 50
                Thread.run;EventLoop.run;Pg.encode 15
                Thread.run;EventLoop.run;Json.parse 10
                Thread.run;EventLoop.run;Socket.write;tcp_sendmsg_[k] 20
                Thread.run;EventLoop.run;Socket.write;pvm_irq_enable_[k] 5
                """);

        assertThat(Profiler.hottestFrames(collapsed, 2))
                .isEqualTo("130 samples, kernel 19.2%: Jwt.verify 38.5% Json.parse 30.8%");
    }

    @Test
    void withoutTheOptionNothingIsProfiled() {
        assertThat(Profiler.enabled(new BenchContext(Map.of(), Map.of()))).isFalse();
        assertThat(Profiler.enabled(new BenchContext(Map.of(), Map.of("profile", "true")))).isTrue();
    }
}
