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
 * yet confirmed is re-checked, and only its completion: refunds and disputes keep arriving by webhook. Stripe and Opn
 * (PromptPay, TrueMoney) are asked by the id a webhook named, else searched by our reference in the metadata; Google
 * Play by the purchase token the app registered. Apple's App Store Server API finds a transaction only by Apple's own
 * id, which only its notification brings, so an Apple payment is not re-checked.
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
    private final OpnCharges opn;
    private final OpnVerifier opnEvents;
    private final GoogleVerifier google;

    public PaymentRechecks(Pool pool, PaymentRepository payments, PaymentEvents events, Transactions transactions,
                           StripePaymentIntents stripe, StripeVerifier stripeEvents, OpnCharges opn,
                           OpnVerifier opnEvents, GoogleVerifier google) {
        this.pool = pool;
        this.payments = payments;
        this.events = events;
        this.transactions = transactions;
        this.stripe = stripe;
        this.stripeEvents = stripeEvents;
        this.opn = opn;
        this.opnEvents = opnEvents;
        this.google = google;
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
        try {
            return switch (payment.provider()) {
                case Providers.STRIPE -> stripeState(eventId, payment);
                case Providers.PROMPTPAY, Providers.TRUEMONEY -> opnState(eventId, payment);
                case Providers.GOOGLE -> googleState(eventId, payment);
                default -> throw ProblemException.unprocessable("recheck-unsupported", "Cannot be re-checked",
                        "A " + payment.provider() + " payment is not re-checked: the App Store Server API finds a "
                                + "transaction by Apple's id, which only Apple's notification brings (docs/payments.md); "
                                + "ask Apple to send the notification again, or settle it by an adjustment");
            };
        } catch (WebhookRejected answer) {
            return unchanged(payment, eventId, "Not settled by " + payment.provider() + "'s answer: "
                    + answer.getMessage());
        }
    }

    private ProviderEvent stripeState(String eventId, Payment payment) {
        List<JsonNode> intents = payment.providerPaymentId() != null
                ? stripe.retrieve(payment.providerPaymentId()).stream().toList()
                : stripe.findByReference(payment.reference());
        if (intents.isEmpty()) {
            return unchanged(payment, eventId, "Stripe has no PaymentIntent for this payment (reference "
                    + payment.reference() + "): the customer never paid, or the app did not put the reference in its "
                    + "metadata");
        }
        JsonNode intent = decisive(intents, "succeeded");
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

    /** A PromptPay or TrueMoney payment: its Opn charge by the id a webhook named, else by our reference. */
    private ProviderEvent opnState(String eventId, Payment payment) {
        List<JsonNode> charges = payment.providerPaymentId() != null
                ? List.of(opn.retrieve(payment.providerPaymentId()))
                : opn.findByReference(payment.reference());
        if (charges.isEmpty()) {
            return unchanged(payment, eventId, "Opn has no charge for this payment (reference " + payment.reference()
                    + "): the customer never paid, or the app did not put the reference in the charge's metadata");
        }
        return opnEvents.chargeState(eventId, TYPE, decisive(charges, "successful"));
    }

    /** A Google Play payment: the purchase its registered token names, as the Play Developer API has it. */
    private ProviderEvent googleState(String eventId, Payment payment) {
        if (payment.providerPaymentId() == null) {
            return unchanged(payment, eventId, "The app has not registered this payment's purchase token "
                    + "(POST /payments/{id}/purchase-token): Google Play finds a purchase only by its token");
        }
        return google.purchaseState(eventId, TYPE, payment.providerPaymentId(), payment.packageCode());
    }

    /**
     * Of the provider's objects for one payment, newest first (a client that retried may have made several): one that
     * succeeded decides, else the newest.
     */
    private static JsonNode decisive(List<JsonNode> found, String succeeded) {
        return found.stream().filter(each -> succeeded.equals(WebhookJson.optionalText(each, "/status")))
                .findFirst().orElse(found.get(0));
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
