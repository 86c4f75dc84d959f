package io.tally.console.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class PrometheusTextTest {

    private static final PrometheusText METRICS = PrometheusText.parse("""
            # HELP tally_outbox_backlog rows not yet published
            # TYPE tally_outbox_backlog gauge
            tally_outbox_backlog{service="credits",} 12.0
            tally_inbox_events_total{consumer="credits",outcome="applied",} 940.0
            tally_inbox_events_total{consumer="credits",outcome="dead_lettered",} 2.0
            tally_inbox_events_total{consumer="credits-payments",outcome="dead_lettered",} 1.0
            kafka_consumer_fetch_manager_records_lag_max{client_id="a",} NaN
            kafka_consumer_fetch_manager_records_lag_max{client_id="b",} 7.0
            kafka_consumer_fetch_manager_records_lag_max{client_id="c",} 3.0
            process_uptime_seconds 81.5
            """);

    @Test
    void sumsTheSamplesThatCarryTheLabels() {
        assertThat(METRICS.sum("tally_inbox_events_total", Map.of("outcome", "dead_lettered"))).isEqualTo(3.0);
        assertThat(METRICS.sum("tally_outbox_backlog", Map.of())).isEqualTo(12.0);
        assertThat(METRICS.sum("process_uptime_seconds", Map.of())).isEqualTo(81.5);
    }

    @Test
    void theLargestLeavesOutWhatIsNotANumber() {
        assertThat(METRICS.max("kafka_consumer_fetch_manager_records_lag_max", Map.of())).isEqualTo(7.0);
    }

    @Test
    void aMetricNobodyReportedIsNull() {
        assertThat(METRICS.sum("tally_outbox_oldest_age_seconds", Map.of())).isNull();
        assertThat(METRICS.sum("tally_inbox_events_total", Map.of("outcome", "refused"))).isNull();
    }
}
