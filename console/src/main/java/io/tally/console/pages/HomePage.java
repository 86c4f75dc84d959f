package io.tally.console.pages;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.tally.console.Console;
import io.tally.console.Operator;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The start page: find a user; the other pages are in the navigation. */
@Path("/")
@RolesAllowed({Operator.ADMIN, Operator.SUPPORT})
@Produces(MediaType.TEXT_HTML)
public class HomePage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance home();
    }

    @GET
    public TemplateInstance home() {
        return Templates.home();
    }

    /** Signed out (quarkus.oidc.logout): back to the start, which signs in again. */
    @GET
    @Path("/signed-out")
    public Response signedOut() {
        return Console.toStart();
    }
}
