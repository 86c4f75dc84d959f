package io.tally.payments.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.tally.common.db.GroupCommit;
import io.tally.common.outbox.Transactions;
import io.tally.common.problem.Problem;
import io.tally.common.problem.ProblemException;
import io.tally.payments.config.PaymentsConfig;
import io.tally.payments.payment.Outcome;
import io.tally.payments.payment.PaymentEvents;
import io.tally.payments.payment.ProviderEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jboss.logging.Logger;

/**
 * Receives a webhook: the sender's refusal budget, size check, the provider's signature on the raw body, then one
 * transaction that applies the event (at most once) and logs the delivery. Deliveries that arrive together share that
 * transaction (group commit): under load, one commit serves a whole batch. Refused deliveries are logged too, as
 * metadata only and outside any transaction, and change nothing else; an address that keeps sending refused
 * deliveries is answered 429 without further work ({@link RefusalBudget}). A database failure answers 503 so the
 * provider retries later.
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
    private final RefusalBudget refusals;
    private final GroupCommit<Verified, Applied> groupCommit;

    public WebhookReceiver(Instance<WebhookVerifier> verifiers, Transactions transactions, Pool pool,
                           PaymentEvents events, WebhookDeliveries deliveries, PaymentsConfig config,
                           MeterRegistry metrics, RefusalBudget refusals) {
        this.verifiers = verifiers.stream().collect(Collectors.toUnmodifiableMap(WebhookVerifier::provider,
                Function.identity()));
        this.transactions = transactions;
        this.pool = pool;
        this.events = events;
        this.deliveries = deliveries;
        this.config = config;
        this.metrics = metrics;
        this.refusals = refusals;
        this.groupCommit = new GroupCommit<>(GroupCommit.splittingOnFailure(this::applyTogether,
                (delivery, failure) -> new Applied(null, failure)), config.webhooks().maxBatchSize(),
                config.webhooks().maxConcurrentBatches());
    }

    /** What the provider is told (200) once the delivery was accepted and logged. */
    public record Receipt(Outcome.Kind outcome, long deliveryId, UUID paymentId, String detail) {
    }

    public Uni<Receipt> receive(WebhookRequest request) {
        WebhookVerifier verifier = verifiers.get(request.provider());
        if (verifier == null) {
            throw ProblemException.notFound("Webhook provider " + request.provider());
        }
        if (refusals.exhausted(request.remoteAddress())) {
            return throttled(request);
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
        return groupCommit.submit(new Verified(request, event)).flatMap(applied -> {
            if (applied.failure() == null) {
                count(request.provider(), applied.receipt().outcome());
                return Uni.createFrom().item(applied.receipt());
            }
            LOG.errorf("Webhook %s from %s not applied: %s", event.eventId(), event.provider(), applied.failure());
            count(request.provider(), Outcome.Kind.ERROR);
            return deliveries.logUnapplied(pool, request, event,
                            new Outcome(Outcome.Kind.ERROR, null, applied.failure().toString()))
                    .onFailure().recoverWithNull()
                    .chain(() -> Uni.createFrom().failure(new ProblemException(Problem.of(503,
                            "webhook-not-applied", "Try again later",
                            "The delivery could not be applied now; nothing changed. Retry it."))));
        });
    }

    /** A delivery whose signature held, waiting for its batch. */
    private record Verified(WebhookRequest request, ProviderEvent event) {
    }

    /** What became of one delivery in its batch: a receipt, or the failure that kept it from applying. */
    private record Applied(Receipt receipt, Throwable failure) {
    }

    /** One transaction for the batch: events applied, deliveries logged. */
    private Uni<List<Applied>> applyTogether(List<Verified> batch) {
        List<ProviderEvent> events = batch.stream().map(Verified::event).toList();
        List<String> sources = events.stream().map(e -> "webhook " + e.provider() + " " + e.eventId()).toList();
        return transactions.write(conn -> this.events.receive(conn, events, sources)
                .flatMap(outcomes -> deliveries.logAll(conn, IntStream.range(0, batch.size())
                                .mapToObj(i -> new WebhookDeliveries.Logged(batch.get(i).request(), events.get(i),
                                        outcomes.get(i)))
                                .toList())
                        .map(ids -> {
                            List<Applied> applied = new ArrayList<>(batch.size());
                            for (int i = 0; i < batch.size(); i++) {
                                Outcome outcome = outcomes.get(i);
                                applied.add(new Applied(new Receipt(outcome.kind(), ids.get(i), outcome.paymentId(),
                                        outcome.detail()), null));
                            }
                            return applied;
                        })));
    }

    private Uni<Receipt> refuse(WebhookRequest request, boolean signatureValid, Outcome.Kind kind, String why,
                                int status) {
        count(request.provider(), kind);
        String slug = kind == Outcome.Kind.REJECTED_SIGNATURE ? "invalid-signature"
                : status == 413 ? "payload-too-large" : "malformed-webhook";
        String title = kind == Outcome.Kind.REJECTED_SIGNATURE ? "Invalid webhook signature"
                : status == 413 ? "Payload too large" : "Malformed webhook";
        ProblemException refusal = new ProblemException(Problem.of(status, slug, title, why));
        if (!refusals.spend(request.remoteAddress())) {
            return throttled(request); // the budget ran out between the check above and now
        }
        // Logging a refusal must not turn a 400 into a 500: if even the log fails, the refusal still stands.
        return deliveries.logRefusal(pool, request, signatureValid, new Outcome(kind, null, why))
                .onFailure().invoke(e -> LOG.warnf("Refused webhook not logged: %s", e.toString()))
                .onFailure().recoverWithNull()
                .chain(() -> Uni.createFrom().failure(refusal));
    }

    /** An address past its refusal budget: answered at once, nothing verified, nothing written. */
    private Uni<Receipt> throttled(WebhookRequest request) {
        long retryAfter = config.webhooks().refusalWindow().toSeconds();
        metrics.counter("tally.payments.webhooks.throttled", "provider", request.provider()).increment();
        return Uni.createFrom().failure(new ProblemException(Problem.of(429, "rate-limited", "Too many refused webhooks",
                "This address sent more refused deliveries than " + request.provider()
                        + " ever would; retry later").with("retryAfterSeconds", retryAfter),
                Map.of("Retry-After", Long.toString(retryAfter))));
    }

    private void count(String provider, Outcome.Kind outcome) {
        metrics.counter("tally.payments.webhooks", "provider", provider, "outcome", outcome.dbValue()).increment();
    }
}
