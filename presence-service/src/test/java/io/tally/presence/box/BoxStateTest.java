package io.tally.presence.box;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.common.events.presence.BoxPublished;
import io.tally.common.events.presence.BoxUnpublished;
import io.tally.presence.box.BoxState.Recomputed;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** I6's rule, without the database: published while a connection is live; once empty, unpublished after the grace. */
@Tag("unit")
class BoxStateTest {

    private static final OffsetDateTime NOW = OffsetDateTime.of(2026, 12, 5, 12, 0, 0, 0, ZoneOffset.UTC);
    private static final Duration GRACE = Duration.ofSeconds(10);

    private static BoxState box(boolean published, OffsetDateTime emptySince, int live) {
        return new BoxState(UUID.randomUUID(), "streamer", published, emptySince, live, live, null);
    }

    @Test
    void theFirstViewerPublishesOnceAndMoreViewersChangeNothing() {
        Recomputed first = box(false, null, 0).recompute(1, 1, NOW, GRACE);
        assertThat(first.state().published()).isTrue();
        assertThat(first.transition()).isInstanceOf(BoxPublished.class);

        Recomputed second = first.state().recompute(2, 2, NOW, GRACE);
        assertThat(second.state().published()).isTrue();
        assertThat(second.transition()).isNull();
    }

    @Test
    void theLastViewerLeavingUnpublishesAtOnceWithoutGrace() {
        Recomputed left = box(true, null, 1).recompute(0, 0, NOW, Duration.ZERO);
        assertThat(left.state().published()).isFalse();
        assertThat(left.transition()).isInstanceOfSatisfying(BoxUnpublished.class,
                event -> assertThat(event.reason()).isEqualTo("no_viewers"));
    }

    @Test
    void withGraceAnEmptyBoxStaysPublishedUntilTheGraceRunsOut() {
        Recomputed emptied = box(true, null, 1).recompute(0, 0, NOW, GRACE);
        assertThat(emptied.state().published()).isTrue();
        assertThat(emptied.state().emptySince()).isEqualTo(NOW);
        assertThat(emptied.transition()).isNull();

        Recomputed stillWaiting = emptied.state().recompute(0, 0, NOW.plusSeconds(9), GRACE);
        assertThat(stillWaiting.state().published()).isTrue();
        assertThat(stillWaiting.state().emptySince()).as("the grace counts from the first empty moment").isEqualTo(NOW);

        Recomputed over = stillWaiting.state().recompute(0, 0, NOW.plusSeconds(10), GRACE);
        assertThat(over.state().published()).isFalse();
        assertThat(over.transition()).isInstanceOf(BoxUnpublished.class);
    }

    @Test
    void aViewerJoiningDuringTheGraceCancelsItWithoutANewPublish() {
        Recomputed emptied = box(true, null, 1).recompute(0, 0, NOW, GRACE);
        Recomputed back = emptied.state().recompute(1, 1, NOW.plusSeconds(5), GRACE);
        assertThat(back.state().published()).isTrue();
        assertThat(back.state().emptySince()).isNull();
        assertThat(back.transition()).as("it never stopped being published").isNull();
    }

    @Test
    void endingUnpublishesWhoeverWatchesAndNothingRepublishesAnEndedBox() {
        Recomputed ended = box(true, null, 3).end(NOW);
        assertThat(ended.transition()).isInstanceOfSatisfying(BoxUnpublished.class,
                event -> assertThat(event.reason()).isEqualTo("ended"));
        Recomputed later = ended.state().recompute(2, 2, NOW.plusSeconds(1), GRACE);
        assertThat(later.state().published()).isFalse();
        assertThat(later.transition()).isNull();
        assertThat(box(false, null, 0).end(NOW).transition()).as("an unpublished box ends silently").isNull();
    }

    /** Over random sequences of counts and times: transitions alternate, and each matches the state it produced. */
    @Test
    void transitionsAlternateAndAlwaysMatchTheState() {
        for (long seed = 1; seed <= 500; seed++) {
            Random random = new Random(seed);
            Duration grace = random.nextBoolean() ? Duration.ZERO : Duration.ofSeconds(random.nextInt(20));
            BoxState state = box(false, null, 0);
            OffsetDateTime now = NOW;
            boolean publishedPerEvents = false;
            for (int step = 0; step < 50; step++) {
                now = now.plusSeconds(random.nextInt(8));
                int live = random.nextInt(3) == 0 ? 0 : random.nextInt(4);
                Recomputed next = state.recompute(live, live, now, grace);
                if (next.transition() instanceof BoxPublished) {
                    assertThat(publishedPerEvents).as("seed %d: published twice in a row", seed).isFalse();
                    publishedPerEvents = true;
                } else if (next.transition() instanceof BoxUnpublished) {
                    assertThat(publishedPerEvents).as("seed %d: unpublished twice in a row", seed).isTrue();
                    publishedPerEvents = false;
                }
                assertThat(next.state().published()).as("seed %d step %d", seed, step).isEqualTo(publishedPerEvents);
                if (live > 0) {
                    assertThat(next.state().published()).as("seed %d: a live box is published", seed).isTrue();
                }
                if (next.state().published() && live == 0) {
                    assertThat(next.state().emptySince()).isNotNull();
                    assertThat(next.state().emptySince().plus(grace)).as("seed %d: empty past its grace", seed).isAfter(now);
                }
                state = next.state();
            }
        }
    }
}
