package io.tally.console.services;

import io.tally.console.services.Views.DeliveryPage;
import io.tally.console.services.Views.PaymentDetail;
import io.tally.console.services.Views.PaymentPage;
import io.tally.console.services.Views.Recheck;
import io.tally.console.services.Views.Unreconciled;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** payments-service's operator API (docs/payments.md, "Operators"). */
@RegisterRestClient(configKey = "payments")
@RegisterClientHeaders(OperatorToken.class)
@RegisterProvider(ServiceProblem.class)
@Path("/payments/admin")
public interface PaymentsAdmin {

    @GET
    @Path("/users/{userId}/payments")
    PaymentPage paymentsOf(@PathParam("userId") String userId, @QueryParam("limit") int limit);

    @GET
    @Path("/payments/{id}")
    PaymentDetail payment(@PathParam("id") UUID id);

    /** The key goes along for the service's logs; a re-check applies the provider's state, which confirms once. */
    @POST
    @Path("/payments/{id}/recheck")
    Recheck recheck(@PathParam("id") UUID id, @HeaderParam("Idempotency-Key") String key);

    @GET
    @Path("/webhooks")
    DeliveryPage webhooks(@QueryParam("provider") String provider, @QueryParam("outcome") String outcome,
                          @QueryParam("limit") int limit);

    @GET
    @Path("/unreconciled")
    Unreconciled unreconciled();
}
