package io.tally.console.pages;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.tally.console.Operator;
import io.tally.console.services.Fetched;
import io.tally.console.services.JobsAdmin;
import io.tally.console.services.Views.QueueReport;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** The job queue at a glance: jobs by state, the oldest wait, the average wait, what finished in the last hour. */
@Path("/queue")
@RolesAllowed({Operator.ADMIN, Operator.SUPPORT})
@Produces(MediaType.TEXT_HTML)
public class QueuePage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance queue(Fetched<QueueReport> report);
    }

    private final JobsAdmin jobs;

    public QueuePage(@RestClient JobsAdmin jobs) {
        this.jobs = jobs;
    }

    @GET
    public TemplateInstance queue() {
        return Templates.queue(Fetched.of("Queue", jobs::queue));
    }
}
