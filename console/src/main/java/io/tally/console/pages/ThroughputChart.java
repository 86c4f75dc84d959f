package io.tally.console.pages;

import io.tally.console.services.Views.FinishedInMinute;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The last hour's endings as a bar chart drawn on the server (an SVG in the page, no script): one bar per minute,
 * completed jobs stacked under the ones that ended otherwise, scaled to the busiest minute.
 */
public record ThroughputChart(List<Bar> bars, long busiestMinute, long completed, long other) {

    static final int MINUTES = 60;
    static final int WIDTH = 600;
    static final int HEIGHT = 120;
    static final int BAR_WIDTH = WIDTH / MINUTES;

    /** One minute: x, and the heights and tops of its two stacked parts, in the SVG's units. */
    public record Bar(int x, int completedTop, int completedHeight, int otherTop, int otherHeight, String label) {
    }

    static ThroughputChart of(List<FinishedInMinute> minutes, Instant now) {
        Map<Instant, FinishedInMinute> byMinute = new HashMap<>();
        for (FinishedInMinute minute : minutes) {
            byMinute.put(minute.minute().toInstant().truncatedTo(ChronoUnit.MINUTES), minute);
        }
        Instant last = now.truncatedTo(ChronoUnit.MINUTES);
        long busiest = minutes.stream().mapToLong(m -> m.completed() + m.other()).max().orElse(0);
        long completed = 0;
        long other = 0;
        List<Bar> bars = new ArrayList<>(MINUTES);
        for (int i = 0; i < MINUTES; i++) {
            Instant minute = last.minus(MINUTES - 1 - i, ChronoUnit.MINUTES);
            FinishedInMinute found = byMinute.get(minute);
            long done = found == null ? 0 : found.completed();
            long ended = found == null ? 0 : found.other();
            completed += done;
            other += ended;
            int doneHeight = scaled(done, busiest);
            int endedHeight = scaled(ended, busiest);
            bars.add(new Bar(i * BAR_WIDTH, HEIGHT - doneHeight, doneHeight, HEIGHT - doneHeight - endedHeight,
                    endedHeight, minute + ": " + done + " completed, " + ended + " ended otherwise"));
        }
        return new ThroughputChart(bars, busiest, completed, other);
    }

    public int width() {
        return WIDTH;
    }

    public int height() {
        return HEIGHT;
    }

    public int barWidth() {
        return BAR_WIDTH - 1;
    }

    private static int scaled(long count, long busiest) {
        return busiest == 0 ? 0 : (int) Math.round((double) count * HEIGHT / busiest);
    }
}
