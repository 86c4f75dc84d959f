package io.tally.console.pages;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.tally.console.Operator;
import io.tally.console.services.CreditsAdmin;
import io.tally.console.services.Fetched;
import io.tally.console.services.ServiceHealth;
import io.tally.console.services.Views.Reconciliation;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Is Tally well: each service's readiness, and the ledger's self-check (drifted accounts, unbalanced transactions). */
@Path("/health")
@RolesAllowed({Operator.ADMIN, Operator.SUPPORT})
@Produces(MediaType.TEXT_HTML)
public class HealthPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance health(List<ServiceHealth.Service> services, Fetched<Reconciliation> reconciliation);
    }

    private final ServiceHealth health;
    private final CreditsAdmin credits;

    public HealthPage(ServiceHealth health, @RestClient CreditsAdmin credits) {
        this.health = health;
        this.credits = credits;
    }

    @GET
    public TemplateInstance health() {
        return Templates.health(health.check(), Fetched.of("Reconciliation", credits::reconciliation));
    }
}
