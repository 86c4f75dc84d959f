package io.tally.payments.rest;

import io.smallrye.mutiny.Uni;
import io.tally.common.problem.ProblemException;
import io.tally.common.security.Roles;
import io.tally.payments.config.PaymentsConfig;
import io.tally.payments.payment.Outcome;
import io.tally.payments.payment.ReconciliationQueries;
import io.tally.payments.webhook.WebhookDeliveries;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.util.Arrays;
import java.util.List;

/** What an operator looks at: recent webhook deliveries and payments whose credits have not landed. */
@Path("/payments/admin")
@RolesAllowed(Roles.ADMIN)
public class AdminPaymentsResource {

    private final WebhookDeliveries deliveries;
    private final ReconciliationQueries reconciliation;
    private final PaymentsConfig config;
    private final Pool pool;

    public AdminPaymentsResource(WebhookDeliveries deliveries, ReconciliationQueries reconciliation,
                                 PaymentsConfig config, Pool pool) {
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
