package io.tally.payments.rest;

import io.smallrye.mutiny.Uni;
import io.tally.common.paging.TimeIdCursor;
import io.tally.common.problem.ProblemException;
import io.tally.common.security.CurrentUser;
import io.tally.common.security.Roles;
import io.tally.payments.config.PaymentsConfig;
import io.tally.payments.payment.Outcome;
import io.tally.payments.payment.Payment;
import io.tally.payments.payment.PaymentRepository;
import io.tally.payments.payment.ReconciliationQueries;
import io.tally.payments.payment.UserPayments;
import io.tally.payments.webhook.PaymentRechecks;
import io.tally.payments.webhook.WebhookDeliveries;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * What an operator looks at: recent webhook deliveries, payments whose credits have not landed, and one user's
 * payments or one payment with its transitions and deliveries; and an admin's re-check of a payment with its provider.
 */
@Path("/payments/admin")
@RolesAllowed({Roles.ADMIN, Roles.SUPPORT})   // support staff see what admins see; the re-check is admins' only
public class AdminPaymentsResource {

    private final WebhookDeliveries deliveries;
    private final ReconciliationQueries reconciliation;
    private final PaymentsConfig config;
    private final Pool pool;
    private final PaymentRepository payments;
    private final UserPayments userPayments;
    private final PaymentRechecks rechecks;
    private final CurrentUser currentUser;

    public AdminPaymentsResource(WebhookDeliveries deliveries, ReconciliationQueries reconciliation,
                                 PaymentsConfig config, Pool pool, PaymentRepository payments,
                                 UserPayments userPayments, PaymentRechecks rechecks, CurrentUser currentUser) {
        this.rechecks = rechecks;
        this.currentUser = currentUser;
        this.payments = payments;
        this.userPayments = userPayments;
        this.deliveries = deliveries;
        this.reconciliation = reconciliation;
        this.config = config;
        this.pool = pool;
    }

    public record DeliveryPage(List<WebhookDeliveries.Delivery> deliveries, Long nextBefore) {
    }

    /** Newest first; {@code before} is the {@code nextBefore} of the previous page. */
    @GET
    @Path("/webhooks")
    public Uni<DeliveryPage> webhooks(@QueryParam("outcome") String outcome, @QueryParam("provider") String provider,
                                      @QueryParam("before") @DefaultValue("9223372036854775807") @Min(1) long before,
                                      @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
        return deliveries.recent(pool, parseOutcome(outcome), provider, before, limit + 1)
                .map(page -> page.size() > limit
                        ? new DeliveryPage(page.subList(0, limit), page.get(limit - 1).id())
                        : new DeliveryPage(page, null));
    }

    /** A user's payments, newest first, as the user lists them; 404 for a user who never checked out. */
    @GET
    @Path("/users/{userId}/payments")
    public Uni<PaymentsResource.PaymentPage> paymentsOf(
            @PathParam("userId") @Size(min = 1, max = CurrentUser.MAX_USER_ID_LENGTH) String userId,
            @QueryParam("limit") @DefaultValue("20") @Min(1) @Max(100) int limit,
            @QueryParam("cursor") String cursor) {
        TimeIdCursor before = TimeIdCursor.decode(cursor);
        return payments.hasPayments(pool, userId).flatMap(any -> {
            if (!any) {
                throw ProblemException.notFound("Payments of user " + userId);
            }
            return userPayments.list(userId, before, limit + 1).map(page -> PaymentsResource.PaymentPage.of(page, limit));
        });
    }

    /** A payment with every transition it was asked to make and every webhook delivery that named it. */
    public record PaymentDetail(Payment payment, List<PaymentRepository.Transition> transitions,
                                List<WebhookDeliveries.Delivery> deliveries) {
    }

    /** One payment of any user, for a support ticket ("I paid and got no coins"). */
    @GET
    @Path("/payments/{id}")
    public Uni<PaymentDetail> payment(@PathParam("id") UUID id) {
        return payments.find(pool, id).flatMap(found -> {
            Payment payment = found.orElseThrow(() -> ProblemException.notFound("Payment " + id));
            return payments.transitions(pool, id).flatMap(transitions -> deliveries.forPayment(pool, id)
                    .map(logged -> new PaymentDetail(payment, transitions, logged)));
        });
    }

    /**
     * Asks the payment's provider how it stands now and applies the answer as a webhook would (docs/payments.md,
     * "Operators"): a lost confirmation confirms it, once. Repeating it changes nothing more.
     */
    @POST
    @Path("/payments/{id}/recheck")
    @RolesAllowed(Roles.ADMIN)
    public Uni<PaymentRechecks.Recheck> recheck(@PathParam("id") UUID id) {
        return rechecks.recheck(id, currentUser.displayName());
    }

    public record Unreconciled(long olderThanSeconds, List<ReconciliationQueries.Stuck> payments) {
    }

    /** Payments confirmed (or reversed) longer ago than the threshold whose grant (or clawback) has not landed. */
    @GET
    @Path("/unreconciled")
    public Uni<Unreconciled> unreconciled(@QueryParam("olderThanSeconds") @Min(0) Long olderThanSeconds,
                                          @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit) {
        long seconds = olderThanSeconds != null ? olderThanSeconds : config.unreconciledAfter().toSeconds();
        return reconciliation.stuck(pool, seconds, limit).map(stuck -> new Unreconciled(seconds, stuck));
    }

    private static Outcome.Kind parseOutcome(String outcome) {
        if (outcome == null || outcome.isBlank()) {
            return null;
        }
        try {
            return Outcome.Kind.fromDb(outcome);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("outcome", "must be one of " + Arrays.stream(Outcome.Kind.values())
                    .map(Outcome.Kind::dbValue).toList());
        }
    }
}
