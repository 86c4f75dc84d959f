package io.tally.console.services;

import io.tally.console.services.Views.BoxPage;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** presence-service's discovery, which operators may read (docs/presence.md). */
@RegisterRestClient(configKey = "presence")
@RegisterClientHeaders(OperatorToken.class)
@RegisterProvider(ServiceProblem.class)
@Path("/boxes")
public interface PresenceApi {

    /** Published boxes, most watched first. */
    @GET
    BoxPage published(@QueryParam("published") boolean published, @QueryParam("limit") int limit);
}
