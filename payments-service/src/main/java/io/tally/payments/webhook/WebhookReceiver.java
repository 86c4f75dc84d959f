package io.tally.payments.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.tally.common.db.Transactions;
import io.tally.common.problem.Problem;
import io.tally.common.problem.ProblemException;
import io.tally.payments.config.PaymentsConfig;
import io.tally.payments.payment.Outcome;
import io.tally.payments.payment.PaymentEvents;
import io.tally.payments.payment.ProviderEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Receives a webhook: size check, the provider's signature on the raw body, then one transaction that applies the
 * event (at most once) and logs the delivery. Refused deliveries are logged too, outside any transaction, and
 * change nothing else. A database failure answers 503 so the provider retries later.
 */
@ApplicationScoped
public class WebhookReceiver {

    private static final Logger LOG = Logger.getLogger(WebhookReceiver.class);

    private final Map<String, WebhookVerifier> verifiers;
    private final Transactions transactions;
    private final Pool pool;
    private final PaymentEvents events;
    private final WebhookDeliveries deliveries;
    private final PaymentsConfig config;
    private final MeterRegistry metrics;

    public WebhookReceiver(Instance<WebhookVerifier> verifiers, Transactions transactions, Pool pool,
                           PaymentEvents events, WebhookDeliveries deliveries, PaymentsConfig config,
                           MeterRegistry metrics) {
        this.verifiers = verifiers.stream().collect(Collectors.toUnmodifiableMap(WebhookVerifier::provider,
                Function.identity()));
        this.transactions = transactions;
        this.pool = pool;
        this.events = events;
        this.deliveries = deliveries;
        this.config = config;
        this.metrics = metrics;
    }

    /** What the provider is told (200) once the delivery was accepted and logged. */
    public record Receipt(Outcome.Kind outcome, long deliveryId, UUID paymentId, String detail) {
    }

    public Uni<Receipt> receive(WebhookRequest request) {
        WebhookVerifier verifier = verifiers.get(request.provider());
        if (verifier == null) {
            throw ProblemException.notFound("Webhook provider " + request.provider());
        }
        int limit = config.webhooks().maxBodyBytes();
        if (request.body().length > limit) {
            return refuse(request, false, Outcome.Kind.REJECTED_MALFORMED,
                    "body of " + request.body().length + " bytes exceeds the " + limit + "-byte limit", 413);
        }
        Uni<ProviderEvent> verified = Uni.createFrom().item(() -> verifier.verify(request));
        if (verifier.blocking()) {
            verified = verified.runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        }
        return verified.onItemOrFailure().transformToUni((event, failure) -> {
            if (failure instanceof WebhookRejected rejected) {
                boolean signatureHeld = rejected.outcome() != Outcome.Kind.REJECTED_SIGNATURE;
                return refuse(request, signatureHeld, rejected.outcome(), rejected.getMessage(), 400);
            }
            if (failure != null) {
                return Uni.createFrom().failure(failure);
            }
            return apply(request, event);
        });
    }

    private Uni<Receipt> apply(WebhookRequest request, ProviderEvent event) {
        String source = "webhook " + event.provider() + " " + event.eventId();
        return transactions.write(conn -> events.receive(conn, event, source)
                        .flatMap(outcome -> deliveries.log(conn, request, event.eventId(), event.type(), true, outcome)
                                .map(id -> new Receipt(outcome.kind(), id, outcome.paymentId(), outcome.detail()))))
                .invoke(receipt -> count(request.provider(), receipt.outcome()))
                .onFailure(e -> !(e instanceof ProblemException)).recoverWithUni(e -> {
                    LOG.errorf("Webhook %s from %s not applied: %s", event.eventId(), event.provider(), e.toString());
                    count(request.provider(), Outcome.Kind.ERROR);
                    return deliveries.log(pool, request, event.eventId(), event.type(), true,
                                    new Outcome(Outcome.Kind.ERROR, null, e.toString()))
                            .onFailure().recoverWithNull()
                            .chain(() -> Uni.createFrom().failure(new ProblemException(Problem.of(503,
                                    "webhook-not-applied", "Try again later",
                                    "The delivery could not be applied now; nothing changed. Retry it."))));
                });
    }

    private Uni<Receipt> refuse(WebhookRequest request, boolean signatureValid, Outcome.Kind kind, String why,
                                int status) {
        count(request.provider(), kind);
        String slug = kind == Outcome.Kind.REJECTED_SIGNATURE ? "invalid-signature"
                : status == 413 ? "payload-too-large" : "malformed-webhook";
        String title = kind == Outcome.Kind.REJECTED_SIGNATURE ? "Invalid webhook signature"
                : status == 413 ? "Payload too large" : "Malformed webhook";
        // Logging a refusal must not turn a 400 into a 500: if even the log fails, the refusal still stands.
        return deliveries.log(pool, request, null, null, signatureValid, new Outcome(kind, null, why))
                .onFailure().invoke(e -> LOG.warnf("Refused webhook not logged: %s", e.toString()))
                .onFailure().recoverWithNull()
                .chain(() -> Uni.createFrom().failure(new ProblemException(Problem.of(status, slug, title, why))));
    }

    private void count(String provider, Outcome.Kind outcome) {
        metrics.counter("tally.payments.webhooks", "provider", provider, "outcome", outcome.dbValue()).increment();
    }
}
