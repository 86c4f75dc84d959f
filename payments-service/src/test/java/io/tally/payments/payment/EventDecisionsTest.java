package io.tally.payments.payment;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.payments.payment.Outcome.Kind;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The rules that turn provider events into payment transitions, in memory: no database, no webhook. */
@Tag("unit")
class EventDecisionsTest {

    private static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 12, 5, 12, 0, 0, 0, ZoneOffset.UTC);

    private final Payment pending = new Payment(UUID.randomUUID(), UUID.randomUUID(), "maya", "thb-popular", "stripe",
            PaymentStatus.PENDING, 10, 29_900, "THB", null, 0, 0, null, CREATED, CREATED, CREATED.plusHours(1),
            null, null, null, null);
    private final EventDecisions decisions = new EventDecisions(List.of(pending));

    /** A Stripe-like event: confirmations and failures name our reference, reversals only the provider's id. */
    private ProviderEvent event(ProviderEvent.Kind kind, String providerId) {
        boolean attempt = kind == ProviderEvent.Kind.CONFIRMED || kind == ProviderEvent.Kind.FAILED;
        boolean confirmation = kind == ProviderEvent.Kind.CONFIRMED;
        return new ProviderEvent("stripe", "evt_" + UUID.randomUUID(), kind.name().toLowerCase(), kind,
                attempt ? pending.reference() : null, providerId, confirmation ? 29_900L : null,
                confirmation ? "thb" : null, null, null);
    }

    private Outcome apply(ProviderEvent event) {
        Payment payment = decisions.find(event);
        assertThat(payment).as("the event names the payment").isNotNull();
        return decisions.apply(payment, event, "test");
    }

    private Payment now() {
        return decisions.current(pending.id());
    }

    @Test
    void aConfirmationBindsTheProvidersIdAndReleasesWhatWaitedForIt() {
        assertThat(apply(event(ProviderEvent.Kind.CONFIRMED, "pi_1")).kind()).isEqualTo(Kind.APPLIED);
        assertThat(now().status()).isEqualTo(PaymentStatus.CONFIRMED);
        assertThat(now().providerPaymentId()).isEqualTo("pi_1");
        assertThat(now().cycle()).isEqualTo(1);
        assertThat(decisions.takeNewlyConfirmed()).extracting(Payment::id).containsExactly(pending.id());
        // A refund naming only the provider's id now finds the payment.
        assertThat(apply(event(ProviderEvent.Kind.REFUNDED, "pi_1")).kind()).isEqualTo(Kind.APPLIED);
        assertThat(now().status()).isEqualTo(PaymentStatus.REFUNDED);
    }

    @Test
    void aRefundBeforeItsConfirmationIsParkedNotLost() {
        Payment bound = pending.withProviderPaymentId("pi_1");
        EventDecisions early = new EventDecisions(List.of(bound));
        ProviderEvent refund = event(ProviderEvent.Kind.REFUNDED, "pi_1");
        assertThat(early.apply(early.find(refund), refund, "test").kind()).isEqualTo(Kind.OUT_OF_ORDER);
        assertThat(early.takeParks()).containsExactly(refund);
        assertThat(early.current(bound.id()).status()).as("nothing moved yet").isEqualTo(PaymentStatus.PENDING);
        assertThat(early.changes()).isEmpty();
    }

    @Test
    void theSameChargeAgainIsADuplicateAndASecondChargeIsAMismatchToRefund() {
        apply(event(ProviderEvent.Kind.CONFIRMED, "pi_1"));
        assertThat(apply(event(ProviderEvent.Kind.CONFIRMED, "pi_1")).kind()).isEqualTo(Kind.DUPLICATE);
        Outcome second = apply(event(ProviderEvent.Kind.CONFIRMED, "pi_2"));
        assertThat(second.kind()).isEqualTo(Kind.MISMATCH);
        assertThat(second.detail()).contains("pi_2").contains("refund it at the provider");
        assertThat(now().cycle()).as("one grant").isEqualTo(1);
    }

    @Test
    void aFailedAttemptDoesNotBindAndARetryUnderANewIdConfirms() {
        assertThat(apply(event(ProviderEvent.Kind.FAILED, "qr_1")).kind()).isEqualTo(Kind.APPLIED);
        assertThat(now().status()).isEqualTo(PaymentStatus.FAILED);
        assertThat(now().providerPaymentId()).as("a failure is not the payment").isNull();
        assertThat(apply(event(ProviderEvent.Kind.CONFIRMED, "qr_2")).kind()).isEqualTo(Kind.APPLIED);
        assertThat(now().status()).isEqualTo(PaymentStatus.CONFIRMED);
        assertThat(now().providerPaymentId()).isEqualTo("qr_2");
    }

    @Test
    void aConfirmationForAnotherAmountIsRefusedAndRecorded() {
        ProviderEvent cheaper = new ProviderEvent("stripe", "evt_x", "payment_intent.succeeded",
                ProviderEvent.Kind.CONFIRMED, pending.reference(), "pi_1", 100L, "thb", null, null);
        Outcome outcome = apply(cheaper);
        assertThat(outcome.kind()).isEqualTo(Kind.MISMATCH);
        assertThat(outcome.detail()).contains("amount 100");
        assertThat(now().status()).isEqualTo(PaymentStatus.PENDING);
        assertThat(decisions.changes()).singleElement().satisfies(change -> assertThat(change.applied()).isFalse());
    }

    @Test
    void anEventFromAnotherProviderOrAnIllegalStepChangesNothing() {
        ProviderEvent apple = new ProviderEvent("apple", "evt_a", "ONE_TIME_CHARGE", ProviderEvent.Kind.CONFIRMED,
                pending.reference(), "tx_1", null, null, null, null);
        assertThat(decisions.apply(pending, apple, "test").kind()).isEqualTo(Kind.MISMATCH);
        Outcome won = decisions.apply(pending, event(ProviderEvent.Kind.DISPUTE_WON, null), "test");
        assertThat(won.kind()).isEqualTo(Kind.ILLEGAL_TRANSITION);
        assertThat(now().status()).isEqualTo(PaymentStatus.PENDING);
    }

    @Test
    void aDisputeWonConfirmsAgainAsTheNextCycle() {
        apply(event(ProviderEvent.Kind.CONFIRMED, "pi_1"));
        assertThat(apply(event(ProviderEvent.Kind.DISPUTE_OPENED, "pi_1")).kind()).isEqualTo(Kind.APPLIED);
        assertThat(now().status()).isEqualTo(PaymentStatus.CHARGED_BACK);
        assertThat(apply(event(ProviderEvent.Kind.DISPUTE_WON, "pi_1")).kind()).isEqualTo(Kind.APPLIED);
        assertThat(now().status()).isEqualTo(PaymentStatus.CONFIRMED);
        assertThat(now().cycle()).as("granted again, under the next cycle's key").isEqualTo(2);
        assertThat(apply(event(ProviderEvent.Kind.DISPUTE_WON, "pi_1")).kind()).isEqualTo(Kind.ILLEGAL_TRANSITION);
    }
}
