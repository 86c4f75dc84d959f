package io.tally.console.pages;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.tally.console.Operator;
import io.tally.console.services.Fetched;
import io.tally.console.services.PresenceApi;
import io.tally.console.services.Views.BoxPage;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Published boxes and their viewers, live: the page loads once, then a few lines of script fetch the table
 * fragment every {@value #REFRESH_SECONDS} seconds and swap it in (no front-end build, no framework).
 */
@Path("/live")
@RolesAllowed({Operator.ADMIN, Operator.SUPPORT})
@Produces(MediaType.TEXT_HTML)
public class LivePage {

    static final int REFRESH_SECONDS = 2;
    static final int PAGE = 100;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance live(Fetched<BoxPage> boxes, int refreshSeconds);

        /** The table alone, what the page's script asks for. */
        static native TemplateInstance live$boxes(Fetched<BoxPage> boxes);
    }

    private final PresenceApi presence;

    public LivePage(@RestClient PresenceApi presence) {
        this.presence = presence;
    }

    @GET
    public TemplateInstance live() {
        return Templates.live(published(), REFRESH_SECONDS);
    }

    @GET
    @Path("/boxes")
    public TemplateInstance boxes() {
        return Templates.live$boxes(published());
    }

    private Fetched<BoxPage> published() {
        return Fetched.of("Published boxes", () -> presence.published(true, PAGE));
    }
}
