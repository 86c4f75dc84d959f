package io.tally.common.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which failures make an event wait and which make it poison. An infrastructure error dead-lettered is a payment
 * grant nobody retries (shared/reviews/ledger.md, H1), so everything but the statement's own data errors waits.
 */
@Tag("unit")
class TransientFailuresTest {

    private static PgException pg(String sqlState) {
        return new PgException("failure " + sqlState, "ERROR", sqlState, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"08006", "40001", "40P01", "53100", "53200", "53300", "25006", "57014", "55P03",
            "57P01", "58030", "XX000", "42501", "42P01", "25P03"})
    void infrastructureAndDeploymentFailuresAreTransient(String sqlState) {
        assertThat(TransientFailures.is(pg(sqlState))).as(sqlState).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"22P02", "22021", "23505", "23514", "P0001", "21000", "54000"})
    void failuresOfTheStatementsOwnDataArePermanent(String sqlState) {
        assertThat(TransientFailures.is(pg(sqlState))).as(sqlState).isFalse();
    }

    @Test
    void aFailureIsDescribedByItsSqlState() {
        assertThat(TransientFailures.describe(pg("53100"))).isEqualTo("SQLSTATE 53100: failure 53100");
        assertThat(TransientFailures.is(new IllegalStateException("a bug"))).isFalse();
    }

    /** What a pooled connection reports when PostgreSQL is killed under it, as a group commit hands it on (wrapped). */
    @Test
    void aConnectionResetIsTransientEvenWrapped_aWrappedDataErrorIsNot() {
        java.io.IOException reset = new java.io.IOException("recvAddress(..) failed: Connection reset by peer");
        assertThat(TransientFailures.is(new IllegalStateException(reset))).isTrue();
        assertThat(TransientFailures.is(new IllegalStateException(pg("23505")))).isFalse();
        assertThat(TransientFailures.is(new IllegalStateException("a bug"))).isFalse();
    }
}
