package io.tally.console.services;

import io.tally.console.services.Views.JobDetail;
import io.tally.console.services.Views.JobPage;
import io.tally.console.services.Views.QueueReport;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** jobs-service's operator API (docs/jobs.md, "Operators"). */
@RegisterRestClient(configKey = "jobs")
@RegisterClientHeaders(OperatorToken.class)
@RegisterProvider(ServiceProblem.class)
@Path("/jobs/admin")
public interface JobsAdmin {

    @GET
    @Path("/users/{userId}/jobs")
    JobPage jobsOf(@PathParam("userId") String userId, @QueryParam("limit") int limit);

    @GET
    @Path("/jobs/{id}")
    JobDetail job(@PathParam("id") UUID id);

    @GET
    @Path("/queue")
    QueueReport queue();
}
