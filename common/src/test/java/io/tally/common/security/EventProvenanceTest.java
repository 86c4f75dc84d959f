package io.tally.common.security;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.common.events.EventTypes;
import io.tally.common.events.Topics;
import io.tally.common.inbox.EventProvenance;
import io.tally.common.inbox.ForgedEventException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Who may say what on which topic (the rule engine alone; LedgerEventsTest drives it through the broker). */
@Tag("unit")
class EventProvenanceTest {

    private static final String CONFIRMED = EventTypes.PAYMENT_CONFIRMED.name();

    @Test
    void everyCataloguedTypeIsAcceptedFromItsOwnerOnItsOwnTopic() {
        EventTypes.ALL.forEach(type -> assertThatCode(() -> EventProvenance.verify(type.topic(), "e1", type.name(),
                "/tally/" + Topics.ownerOf(type.topic()).orElseThrow())).doesNotThrowAnyException());
    }

    @Test
    void aPaymentConfirmedOnAnotherServicesTopicIsForged() {
        assertThatThrownBy(() -> EventProvenance.verify(Topics.JOBS, "e1", CONFIRMED, "/tally/jobs"))
                .isInstanceOf(ForgedEventException.class).hasMessageContaining("it belongs on tally.payments.events");
    }

    @Test
    void aPaymentConfirmedFromAnotherSourceIsForged() {
        for (String source : new String[] {"/tally/jobs", "/tally/payments/", "/tests", "", null}) {
            assertThatThrownBy(() -> EventProvenance.verify(Topics.PAYMENTS, "e1", CONFIRMED, source))
                    .as("source %s", source).isInstanceOf(ForgedEventException.class)
                    .hasMessageContaining("only /tally/payments publishes there");
        }
    }

    @Test
    void aNewerVersionOfTheOwnersTypeIsAcceptedButNotAnotherServicesPrefix() {
        assertThatCode(() -> EventProvenance.verify(Topics.PAYMENTS, "e1", "tally.payments.confirmed.v2",
                "/tally/payments")).doesNotThrowAnyException();
        assertThatThrownBy(() -> EventProvenance.verify(Topics.JOBS, "e1", "tally.payments.confirmed.v2",
                "/tally/jobs")).isInstanceOf(ForgedEventException.class).hasMessageContaining("jobs does not publish it");
    }

    @Test
    void aRecordOnATopicNoServiceOwnsIsForged() {
        assertThatThrownBy(() -> EventProvenance.verify("tally.payments.dlq", "e1", CONFIRMED, "/tally/payments"))
                .isInstanceOf(ForgedEventException.class).hasMessageContaining("not a service's events topic");
    }
}
