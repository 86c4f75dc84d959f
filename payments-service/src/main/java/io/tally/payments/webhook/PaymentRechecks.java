package io.tally.payments.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.tally.common.outbox.Transactions;
import io.tally.common.problem.Problem;
import io.tally.common.problem.ProblemException;
import io.tally.payments.payment.Outcome;
import io.tally.payments.payment.Payment;
import io.tally.payments.payment.PaymentEvents;
import io.tally.payments.payment.PaymentRepository;
import io.tally.payments.payment.PaymentStatus;
import io.tally.payments.payment.ProviderEvent;
import io.tally.payments.payment.ProviderEvent.Kind;
import io.tally.payments.payment.Providers;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * An operator's re-check of a payment ("I paid and got no coins", its webhook lost or late): the provider's API is
 * asked how the payment itself stands now, and the answer goes through the same decisions as a webhook (amount and
 * currency checked, one transaction, the transition recorded with the operator as its source). Only a payment not
 * yet confirmed is re-checked, and only its completion: refunds and disputes keep arriving by webhook. Stripe is
 * asked by the PaymentIntent a webhook named or by our reference in its metadata. Opn is asked by charge id, which
 * Tally learns only from a confirmation, so PromptPay and TrueMoney payments are looked up in Opn's dashboard by their
 * reference; Apple's and Google's store notifications are the only record Tally reads of theirs.
 */
@ApplicationScoped
public class PaymentRechecks {

    /** A re-check's answer: what became of the provider's state, and the payment's status after it. */
    public record Recheck(UUID paymentId, String provider, Outcome.Kind outcome, String detail, PaymentStatus status) {
    }

    private static final Set<PaymentStatus> UNCONFIRMED = EnumSet.of(PaymentStatus.PENDING, PaymentStatus.FAILED,
            PaymentStatus.EXPIRED);
    private static final String TYPE = "recheck";

    private final Pool pool;
    private final PaymentRepository payments;
    private final PaymentEvents events;
    private final Transactions transactions;
    private final StripePaymentIntents stripe;
    private final StripeVerifier stripeEvents;

    public PaymentRechecks(Pool pool, PaymentRepository payments, PaymentEvents events, Transactions transactions,
                           StripePaymentIntents stripe, StripeVerifier stripeEvents) {
        this.pool = pool;
        this.payments = payments;
        this.events = events;
        this.transactions = transactions;
        this.stripe = stripe;
        this.stripeEvents = stripeEvents;
    }

    public Uni<Recheck> recheck(UUID paymentId, String operator) {
        return payments.find(pool, paymentId).flatMap(found -> {
            Payment payment = found.orElseThrow(() -> ProblemException.notFound("Payment " + paymentId));
            if (!UNCONFIRMED.contains(payment.status())) {
                throw ProblemException.conflict("payment-settled", "Payment " + paymentId + " is "
                        + payment.status().dbValue() + ": a re-check settles a payment not yet confirmed; refunds and"
                        + " disputes arrive by webhook");
            }
            return Uni.createFrom().item(() -> providerState(payment))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .onFailure(ProblemException.class).transform(PaymentRechecks::retryLater)
                    .flatMap(event -> apply(payment, event, operator));
        });
    }

    /** The payment as its provider has it now, as an event about it (IGNORED when nothing is to change). */
    private ProviderEvent providerState(Payment payment) {
        String eventId = TYPE + "-" + UUID.randomUUID();
        return switch (payment.provider()) {
            case Providers.STRIPE -> stripeState(eventId, payment);
            case Providers.PROMPTPAY, Providers.TRUEMONEY -> throw ProblemException.unprocessable("recheck-unsupported",
                    "Cannot be re-checked", "Opn's API is asked by charge id, which Tally learns from the confirmation "
                            + "itself: find the charge in Opn's dashboard by metadata tally_reference "
                            + payment.reference() + " and resend its webhook from there");
            default -> throw ProblemException.unprocessable("recheck-unsupported", "Cannot be re-checked",
                    "A " + payment.provider() + " payment is not re-checked: its store's notifications are what Tally "
                            + "reads (docs/payments.md); ask the store to send them again");
        };
    }

    private ProviderEvent stripeState(String eventId, Payment payment) {
        List<JsonNode> intents;
        try {
            intents = payment.providerPaymentId() != null
                    ? stripe.retrieve(payment.providerPaymentId()).stream().toList()
                    : stripe.findByReference(payment.reference());
        } catch (WebhookRejected unreadable) {
            throw ProviderApi.unavailable("Stripe's API answered what Tally cannot read: " + unreadable.getMessage());
        }
        if (intents.isEmpty()) {
            return unchanged(payment, eventId, "Stripe has no PaymentIntent for this payment (reference "
                    + payment.reference() + "): the customer never paid, or the app did not put the reference in its "
                    + "metadata");
        }
        // A client that retried may have made several: one that succeeded decides, else the newest.
        JsonNode intent = intents.stream().filter(i -> "succeeded".equals(WebhookJson.optionalText(i, "/status")))
                .findFirst().orElse(intents.get(0));
        String status = WebhookJson.optionalText(intent, "/status");
        String id = WebhookJson.optionalText(intent, "/id");
        return switch (status == null ? "" : status) {
            case "succeeded" -> stripeEvents.paymentIntent(eventId, TYPE, intent, Kind.CONFIRMED);
            case "canceled" -> stripeEvents.paymentIntent(eventId, TYPE, intent, Kind.FAILED);
            case "requires_payment_method" -> intent.path("last_payment_error").isObject()
                    ? stripeEvents.paymentIntent(eventId, TYPE, intent, Kind.FAILED)
                    : unchanged(payment, eventId, "PaymentIntent " + id + " waits for the customer to pay");
            default -> unchanged(payment, eventId, "PaymentIntent " + id + " is " + status + " at Stripe");
        };
    }

    private static ProviderEvent unchanged(Payment payment, String eventId, String detail) {
        return new ProviderEvent(payment.provider(), eventId, TYPE, Kind.IGNORED, payment.reference(),
                payment.providerPaymentId(), null, null, null, detail);
    }

    private Uni<Recheck> apply(Payment payment, ProviderEvent event, String operator) {
        return transactions.write(conn -> events.receive(conn, List.of(event), List.of("re-check by " + operator)))
                .flatMap(outcomes -> payments.find(pool, payment.id()).map(after -> new Recheck(payment.id(),
                        payment.provider(), outcomes.get(0).kind(), outcomes.get(0).detail(),
                        after.map(Payment::status).orElse(payment.status()))));
    }

    /** The provider did not answer: nothing changed, and the operator may try again. */
    private static Throwable retryLater(Throwable failure) {
        ProblemException problem = (ProblemException) failure;
        if (problem.problem().status() != 503) {
            return failure;
        }
        return new ProblemException(Problem.of(503, "provider-unavailable", "Payment provider unavailable",
                problem.problem().detail().replace("deliver again later", "re-check again later")),
                Map.of("Retry-After", "30"));
    }
}
