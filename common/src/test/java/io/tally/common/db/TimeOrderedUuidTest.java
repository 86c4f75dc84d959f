package io.tally.common.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TimeOrderedUuidTest {

    @Test
    void isAVersion7UuidCarryingItsMillisecond() {
        long millis = 1_796_248_960_123L;
        UUID id = TimeOrderedUuid.at(millis);
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2); // RFC 9562
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
    }

    @Test
    void laterMillisecondsSortLaterAsTextAndAsPostgresComparesThem() {
        UUID earlier = TimeOrderedUuid.at(1_796_248_960_123L);
        UUID later = TimeOrderedUuid.at(1_796_248_960_124L);
        // PostgreSQL orders uuid bytes unsigned, which is also the order of their hex text.
        assertThat(later.toString()).isGreaterThan(earlier.toString());
    }

    @Test
    void idsOfOneMillisecondDiffer() {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(TimeOrderedUuid.at(1_796_248_960_123L));
        }
        assertThat(ids).hasSize(10_000);
    }
}
