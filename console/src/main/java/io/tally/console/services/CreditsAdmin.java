package io.tally.console.services;

import io.tally.console.services.Views.Account;
import io.tally.console.services.Views.AdjustmentBody;
import io.tally.console.services.Views.Forgiveness;
import io.tally.console.services.Views.ForgivenessBody;
import io.tally.console.services.Views.GiftPage;
import io.tally.console.services.Views.HoldPage;
import io.tally.console.services.Views.LedgerPage;
import io.tally.console.services.Views.Reconciliation;
import io.tally.console.services.Views.Transaction;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** credits-service's operator API (docs/credits.md, "Operators"). */
@RegisterRestClient(configKey = "credits")
@RegisterClientHeaders(OperatorToken.class)
@RegisterProvider(ServiceProblem.class)
@Path("/credits")
public interface CreditsAdmin {

    @GET
    @Path("/admin/accounts/{userId}")
    Account account(@PathParam("userId") String userId);

    @GET
    @Path("/admin/accounts/{userId}/ledger")
    LedgerPage ledger(@PathParam("userId") String userId, @QueryParam("cursor") String cursor,
                      @QueryParam("limit") int limit);

    @GET
    @Path("/admin/accounts/{userId}/holds")
    HoldPage holds(@PathParam("userId") String userId, @QueryParam("status") String status,
                   @QueryParam("limit") int limit);

    @GET
    @Path("/admin/accounts/{userId}/gifts")
    GiftPage gifts(@PathParam("userId") String userId, @QueryParam("direction") String direction,
                   @QueryParam("limit") int limit);

    @POST
    @Path("/adjustments")
    Transaction adjust(@HeaderParam("Idempotency-Key") String key, AdjustmentBody body);

    @POST
    @Path("/admin/accounts/{userId}/forgive-debt")
    Forgiveness forgiveDebt(@PathParam("userId") String userId, @HeaderParam("Idempotency-Key") String key,
                            ForgivenessBody body);

    @GET
    @Path("/admin/reconciliation")
    Reconciliation reconciliation();
}
