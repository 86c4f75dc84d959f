package io.tally.console.pages;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.tally.console.Operator;
import io.tally.console.services.Fetched;
import io.tally.console.services.JobsAdmin;
import io.tally.console.services.ServiceHealth;
import io.tally.console.services.Views.QueueReport;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The job queue at a glance: jobs by state, the oldest wait, the average wait and run, what ended in each minute of
 * the last hour as a chart, the workers holding leases and the leases that lapse first, and jobs-service's dead
 * letters (saga answers it could not apply) from its metrics.
 */
@Path("/queue")
@RolesAllowed({Operator.ADMIN, Operator.SUPPORT})
@Produces(MediaType.TEXT_HTML)
public class QueuePage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance queue(Fetched<QueueReport> report, ThroughputChart chart,
                                             ServiceHealth.Service jobsService);
    }

    private final JobsAdmin jobs;
    private final ServiceHealth health;

    public QueuePage(@RestClient JobsAdmin jobs, ServiceHealth health) {
        this.jobs = jobs;
        this.health = health;
    }

    @GET
    public TemplateInstance queue() {
        Fetched<QueueReport> report = Fetched.of("Queue", jobs::queue);
        ThroughputChart chart = report.ok() ? ThroughputChart.of(report.value().finishedPerMinute(), Instant.now()) : null;
        return Templates.queue(report, chart, health.check("jobs"));
    }
}
