package io.tally.console.pages;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.tally.console.AuditLog;
import io.tally.console.Console;
import io.tally.console.Operator;
import io.tally.console.services.Fetched;
import io.tally.console.services.JobsAdmin;
import io.tally.console.services.ServiceProblem;
import io.tally.console.services.Views.Job;
import io.tally.console.services.Views.JobDetail;
import io.tally.console.services.Views.JobRefundBody;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * A completed job's refund ("the render came out unusable"): the form with the reason, a review of what will be given
 * back, then the call to jobs-service, which asks credits for the refund through its saga. A job is refunded once
 * whatever is sent, and the form keeps its key for the audit log.
 */
@Path("/users/{userId}/jobs/{jobId}/refund")
@RolesAllowed(Operator.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class JobRefundPage {

    /** jobs-service keeps the reason with the job and credits with the refund: its limit. */
    static final int MAX_REASON = 200;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance form(String userId, Fetched<JobDetail> detail, String reason, String key,
                                            List<String> errors);

        static native TemplateInstance review(String userId, Job job, String reason, String key);
    }

    private final JobsAdmin jobs;
    private final Operator operator;
    private final AuditLog audit;

    public JobRefundPage(@RestClient JobsAdmin jobs, Operator operator, AuditLog audit) {
        this.jobs = jobs;
        this.operator = operator;
        this.audit = audit;
    }

    @GET
    public TemplateInstance form(@PathParam("userId") String userId, @PathParam("jobId") UUID jobId) {
        return Templates.form(userId, job(jobId), "", UUID.randomUUID().toString(), List.of());
    }

    /** Checks the form and shows what will be given back; nothing is sent yet. */
    @POST
    @Path("/review")
    public Response review(@PathParam("userId") String userId, @PathParam("jobId") UUID jobId,
                           @FormParam("reason") String reasonText, @FormParam("key") String keyText) {
        List<String> errors = new ArrayList<>();
        String reason = FormFields.reason(reasonText, MAX_REASON, errors);
        String key = FormFields.key(keyText, errors);
        Fetched<JobDetail> detail = job(jobId);
        if (detail.ok() && !detail.value().job().refundable()) {
            errors.add("This job cannot be refunded: it is " + detail.value().job().status() + " and its charge "
                    + detail.value().job().chargeStatus() + ".");
        }
        if (!errors.isEmpty() || !detail.ok()) {
            return formAgain(400, userId, detail, reason, key, errors);
        }
        return Response.ok(Templates.review(userId, detail.value().job(), reason, key)).build();
    }

    /** The confirmed refund: asked of jobs-service, then back to the job's page with the outcome. */
    @POST
    public Response refund(@PathParam("userId") String userId, @PathParam("jobId") UUID jobId,
                           @FormParam("reason") String reasonText, @FormParam("key") String keyText) {
        List<String> errors = new ArrayList<>();
        String reason = FormFields.reason(reasonText, MAX_REASON, errors);
        String key = FormFields.key(keyText, errors);
        if (!errors.isEmpty()) {
            return formAgain(400, userId, job(jobId), reason, key, errors);
        }
        String action = "job-refund " + jobId;
        try {
            Job asked = jobs.refund(jobId, key, new JobRefundBody(reason));
            audit.record(operator, action, userId, key, "asked: charge " + asked.chargeStatus());
            return Console.redirect("/users/{userId}/jobs/" + jobId, userId, "notice", "Refund asked for: credits "
                    + "gives back the " + asked.spent() + " credits this job spent; its charge shows refunded once it has.");
        } catch (ServiceProblem.Refused refused) {
            audit.record(operator, action, userId, key, "refused: " + refused.getMessage());
            return formAgain(refused.status(), userId, job(jobId), reason, key, List.of(refused.getMessage()));
        } catch (WebApplicationException | ProcessingException unanswered) {
            audit.record(operator, action, userId, key, "unknown: " + unanswered.getMessage());
            return formAgain(503, userId, job(jobId), reason, key, List.of("jobs-service did not answer, so the refund "
                    + "may or may not have been asked for. Send it again: a job is refunded once."));
        }
    }

    private Fetched<JobDetail> job(UUID jobId) {
        return Fetched.of("Job", () -> jobs.job(jobId));
    }

    private static Response formAgain(int status, String userId, Fetched<JobDetail> detail, String reason, String key,
                                      List<String> errors) {
        return Response.status(status).entity(Templates.form(userId, detail, reason, key, errors)).build();
    }
}
