package io.tally.payments.payment;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.ConstraintViolations;
import io.tally.common.outbox.Transactions;
import io.tally.common.paging.TimeIdCursor;
import io.tally.common.problem.ProblemException;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** A user's own payments. Somebody else's payment is "not found", never "forbidden". */
@ApplicationScoped
public class UserPayments {

    private final Pool pool;
    private final Transactions transactions;
    private final PaymentRepository payments;
    private final PaymentEvents events;

    public UserPayments(Pool pool, Transactions transactions, PaymentRepository payments, PaymentEvents events) {
        this.pool = pool;
        this.transactions = transactions;
        this.payments = payments;
        this.events = events;
    }

    public Uni<List<Payment>> list(String userId, TimeIdCursor before, int limit) {
        return payments.listOwn(pool, userId, before.createdAt(), before.id(), limit);
    }

    public Uni<Payment> find(String userId, UUID id) {
        return payments.findOwn(pool, id, userId)
                .map(found -> found.orElseThrow(() -> ProblemException.notFound("Payment " + id)));
    }

    /**
     * Google Play's notifications name a purchase only by its token, so the app registers the token it got from
     * Play Billing on its pending payment; a notification that arrived first is applied now.
     */
    public Uni<Payment> registerPurchaseToken(String userId, UUID id, String purchaseToken) {
        return transactions.write(conn -> PaymentEvents.lockProviderId(conn, Providers.GOOGLE, purchaseToken)
                .chain(() -> payments.lockOwn(conn, id, userId)).flatMap(found -> {
            Payment payment = found.orElseThrow(() -> ProblemException.notFound("Payment " + id));
            if (!Providers.GOOGLE.equals(payment.provider())) {
                throw ProblemException.unprocessable("not-a-play-purchase", "Not a Google Play payment",
                        "Only payments made through google take a purchase token");
            }
            if (purchaseToken.equals(payment.providerPaymentId())) {
                return Uni.createFrom().item(payment);
            }
            if (payment.providerPaymentId() != null || payment.status() != PaymentStatus.PENDING) {
                throw ProblemException.conflict("purchase-token-set", "Payment " + id + " already has its purchase");
            }
            Payment bound = payment.withProviderPaymentId(purchaseToken);
            return payments.save(conn, bound)
                    .onFailure(ConstraintViolations::isUnique).transform(e -> ProblemException.conflict(
                            "purchase-token-taken", "This purchase token belongs to another payment"))
                    .chain(() -> events.releaseParked(conn, bound));
        }));
    }
}
