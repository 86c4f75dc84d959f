package io.tally.console.services;

import io.tally.console.services.Views.Job;
import io.tally.console.services.Views.JobDetail;
import io.tally.console.services.Views.JobPage;
import io.tally.console.services.Views.JobRefundBody;
import io.tally.console.services.Views.QueueReport;
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

    /** 202 with the job, its charge REFUND_REQUESTED; the key goes along for the service's logs (the refund is once per job). */
    @POST
    @Path("/jobs/{id}/refund")
    Job refund(@PathParam("id") UUID id, @HeaderParam("Idempotency-Key") String key, JobRefundBody body);

    @GET
    @Path("/queue")
    QueueReport queue();
}
