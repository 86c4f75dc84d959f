package io.tally.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Deadlines, the bound, and renewal in place. */
@Tag("unit")
class ExpiringTokenMapTest {

    private static final long NOW = 1_000_000;

    @Test
    void anEntryIsAnsweredUntilItsDeadlineOnly() {
        ExpiringTokenMap<String> map = new ExpiringTokenMap<>(10);
        map.put("token", "alice", NOW + 100, NOW);

        assertThat(map.get("token", NOW + 99)).isEqualTo("alice");
        assertThat(map.validUntil("token", NOW + 99)).isEqualTo(NOW + 100);
        assertThat(map.get("token", NOW + 100)).isNull();
        assertThat(map.validUntil("token", NOW + 100)).isZero();
    }

    @Test
    void anExpiredEntryIsStillKnownUntilRenewedInPlace() {
        ExpiringTokenMap<String> map = new ExpiringTokenMap<>(10);
        map.put("token", "alice", NOW + 100, NOW);

        assertThat(map.lastKnown("token")).isEqualTo("alice");
        assertThat(map.get("token", NOW + 200)).isNull();
        assertThat(map.lastKnown("token")).as("after its deadline, until a purge").isEqualTo("alice");

        map.put("token", "alice", NOW + 300, NOW + 200);
        assertThat(map.get("token", NOW + 250)).isEqualTo("alice");
    }

    @Test
    void aFullMapRenewsATokenItHoldsButTakesNoNewOne() {
        ExpiringTokenMap<String> map = new ExpiringTokenMap<>(1);
        map.put("held", "alice", NOW + 10_000, NOW);

        map.put("other", "bob", NOW + 10_000, NOW + 1);
        map.put("held", "alice", NOW + 20_000, NOW + 2);

        assertThat(map.get("other", NOW + 3)).isNull();
        assertThat(map.validUntil("held", NOW + 3)).isEqualTo(NOW + 20_000);
    }

    @Test
    void aFullMapMakesRoomByPurgingExpiredEntries() {
        ExpiringTokenMap<String> map = new ExpiringTokenMap<>(1);
        map.put("old", "alice", NOW + 100, NOW);

        map.put("new", "bob", NOW + 10_000, NOW + 2_000);

        assertThat(map.get("new", NOW + 2_001)).isEqualTo("bob");
        assertThat(map.lastKnown("old")).as("purged to make room").isNull();
    }
}
