package io.tally.payments.rest;

import io.smallrye.mutiny.Uni;
import io.tally.common.idempotency.IdempotentRequests;
import io.tally.common.paging.TimeIdCursor;
import io.tally.common.security.CurrentUser;
import io.tally.common.security.Roles;
import io.tally.payments.payment.Checkout;
import io.tally.payments.payment.Payment;
import io.tally.payments.payment.UserPayments;
import io.tally.payments.rest.PaymentRequests.CheckoutRequest;
import io.tally.payments.rest.PaymentRequests.PurchaseToken;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;

/** A user's purchases: checkout, then follow the payment the provider's webhook settles. */
@Path("/payments")
@RolesAllowed(Roles.USER)
public class PaymentsResource {

    private final Checkout checkout;
    private final UserPayments userPayments;
    private final CurrentUser currentUser;

    public PaymentsResource(Checkout checkout, UserPayments userPayments, CurrentUser currentUser) {
        this.checkout = checkout;
        this.userPayments = userPayments;
        this.currentUser = currentUser;
    }

    /**
     * Creates a pending payment for the package (201); its {@code reference} is what the client hands to the
     * provider. A free package is confirmed at once.
     */
    @POST
    @Path("/checkout")
    public Uni<Response> checkout(@HeaderParam(IdempotentRequests.HEADER) String idempotencyKey,
                                  @Valid @NotNull CheckoutRequest request) {
        return checkout.start(currentUser.id(), idempotencyKey, request.packageCode(), request.provider());
    }

    public record PaymentPage(List<Payment> payments, String nextCursor) {

        /** A page of up to {@code limit} payments out of {@code limit + 1} read, newest first. */
        static PaymentPage of(List<Payment> payments, int limit) {
            return payments.size() > limit
                    ? new PaymentPage(payments.subList(0, limit), cursorAfter(payments.get(limit - 1)))
                    : new PaymentPage(payments, null);
        }
    }

    @GET
    public Uni<PaymentPage> list(@QueryParam("limit") @DefaultValue("20") @Min(1) @Max(100) int limit,
                                 @QueryParam("cursor") String cursor) {
        return userPayments.list(currentUser.id(), TimeIdCursor.decode(cursor), limit + 1)
                .map(payments -> PaymentPage.of(payments, limit));
    }

    @GET
    @Path("/{id}")
    public Uni<Payment> get(@PathParam("id") UUID id) {
        return userPayments.find(currentUser.id(), id);
    }

    /** Google Play: the app registers the purchase token Play Billing returned (see docs/payments.md). */
    @POST
    @Path("/{id}/purchase-token")
    public Uni<Payment> registerPurchaseToken(@PathParam("id") UUID id, @Valid @NotNull PurchaseToken body) {
        return userPayments.registerPurchaseToken(currentUser.id(), id, body.purchaseToken());
    }

    private static String cursorAfter(Payment last) {
        return new TimeIdCursor(last.createdAt(), last.id()).encode();
    }
}
