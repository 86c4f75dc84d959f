package io.tally.payments.payment;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.ConstraintViolations;
import io.tally.common.db.TimeOrderedUuid;
import io.tally.common.idempotency.IdempotentRequests;
import io.tally.common.idempotency.StoredResponse;
import io.tally.common.problem.ProblemException;
import io.tally.common.tracing.EventTracing;
import io.tally.payments.catalogue.CreditPackage;
import io.tally.payments.catalogue.PackageRepository;
import io.tally.payments.config.PaymentsConfig;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Checkout: a pending payment that fixes the package's credits, amount and currency at this moment, under the
 * caller's Idempotency-Key. A free package (the trial) is confirmed at once, once per user.
 */
@ApplicationScoped
public class Checkout {

    private final IdempotentRequests idempotent;
    private final PackageRepository packages;
    private final PaymentRepository payments;
    private final PaymentTransitions transitions;
    private final PaymentsConfig config;

    public Checkout(IdempotentRequests idempotent, PackageRepository packages, PaymentRepository payments,
                    PaymentTransitions transitions, PaymentsConfig config) {
        this.idempotent = idempotent;
        this.packages = packages;
        this.payments = payments;
        this.transitions = transitions;
        this.config = config;
    }

    record Fingerprint(String route, String packageCode, String provider) {
    }

    public Uni<Response> start(String userId, String idempotencyKey, String packageCode, String provider) {
        IdempotentRequests.requireValidKey(idempotencyKey, IdempotentRequests.MAX_KEY_LENGTH);
        String traceParent = EventTracing.currentParent();
        return idempotent.execute(userId, idempotencyKey,
                new Fingerprint("POST /payments/checkout", packageCode, provider),
                conn -> packages.find(conn, packageCode).flatMap(found -> {
                    CreditPackage creditPackage = found.orElseThrow(
                            () -> ProblemException.notFound("Package " + packageCode));
                    return create(conn, userId, creditPackage, provider, traceParent);
                }));
    }

    private Uni<StoredResponse> create(SqlConnection conn, String userId, CreditPackage creditPackage,
                                       String provider, String traceParent) {
        if (!creditPackage.active()) {
            throw ProblemException.unprocessable("package-inactive", "Package not on sale",
                    "Package " + creditPackage.code() + " is no longer sold");
        }
        String chargedBy = creditPackage.isFree() ? Providers.FREE : requirePayable(provider, creditPackage);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Payment pending = new Payment(TimeOrderedUuid.next(), UUID.randomUUID(), userId, creditPackage.code(), chargedBy,
                PaymentStatus.PENDING, creditPackage.totalCredits(), creditPackage.priceMinor(),
                creditPackage.currency(), null, 0, 0, null, now, now, now.plus(config.pendingTimeout()), null, null,
                null, traceParent);
        Uni<Payment> stored = payments.insert(conn, pending).replaceWith(pending)
                .onFailure(e -> ConstraintViolations.isUnique(e, "payments_one_free_claim")).transform(e -> ProblemException.conflict("free-package-claimed",
                        "Package " + creditPackage.code() + " is free once per user, and you already have it"));
        if (creditPackage.isFree()) {
            stored = stored.flatMap(p -> transitions.move(conn, p, PaymentStatus.CONFIRMED, "checkout", "free package")
                    .map(PaymentTransitions.Change::result));
        }
        return stored.map(payment -> new StoredResponse(201, payment));
    }

    private static String requirePayable(String provider, CreditPackage creditPackage) {
        if (provider == null || !Providers.PAYABLE.contains(provider)) {
            throw ProblemException.invalidField("provider", "must be one of " + Providers.PAYABLE);
        }
        if (!Providers.accepts(provider, creditPackage.currency())) {
            throw ProblemException.unprocessable("provider-currency", "Provider does not take this currency",
                    provider + " takes THB only; package " + creditPackage.code() + " is priced in "
                            + creditPackage.currency());
        }
        return provider;
    }
}
