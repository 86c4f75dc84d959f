package io.tally.console.pages;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.tally.console.AuditLog;
import io.tally.console.Console;
import io.tally.console.Operator;
import io.tally.console.services.CreditsAdmin;
import io.tally.console.services.ServiceProblem;
import io.tally.console.services.Views.AdjustmentBody;
import io.tally.console.services.Views.Forgiveness;
import io.tally.console.services.Views.ForgivenessBody;
import io.tally.console.services.Views.Transaction;
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
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * A correction (an adjustment, or debt forgiveness) in three steps: the form, a review of exactly what will be sent,
 * then the call. The form carries its idempotency key from the first step on, so a double submit or a retried
 * confirmation posts one correction.
 */
@Path("/users/{userId}/{kind: " + Correction.PATHS + "}")
@RolesAllowed(Operator.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class CorrectionPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance form(Correction kind, String userId, String amount, String reason, String key,
                                            List<String> errors);

        static native TemplateInstance review(Correction kind, String userId, long amount, String reason, String key);
    }

    private final CreditsAdmin credits;
    private final Operator operator;
    private final AuditLog audit;

    public CorrectionPage(@RestClient CreditsAdmin credits, Operator operator, AuditLog audit) {
        this.credits = credits;
        this.operator = operator;
        this.audit = audit;
    }

    @GET
    public TemplateInstance form(@PathParam("kind") String kind, @PathParam("userId") String userId) {
        return Templates.form(Correction.ofPath(kind), userId, "", "", UUID.randomUUID().toString(), List.of());
    }

    /** Checks the form and shows what will be sent; nothing is sent yet. */
    @POST
    @Path("/review")
    public Response review(@PathParam("kind") String kindPath, @PathParam("userId") String userId,
                           @FormParam("amount") String amount, @FormParam("reason") String reason,
                           @FormParam("key") String key) {
        Correction kind = Correction.ofPath(kindPath);
        CorrectionForm form = CorrectionForm.read(kind, amount, reason, key);
        if (!form.errors().isEmpty()) {
            return formAgain(400, kind, userId, amount, reason, form.key(), form.errors());
        }
        return Response.ok(Templates.review(kind, userId, form.amount(), form.reason(), form.key())).build();
    }

    /** The confirmed correction: sent under the form's key, then back to the user's page with the outcome. */
    @POST
    public Response send(@PathParam("kind") String kindPath, @PathParam("userId") String userId,
                         @FormParam("amount") String amount, @FormParam("reason") String reason,
                         @FormParam("key") String key) {
        Correction kind = Correction.ofPath(kindPath);
        CorrectionForm form = CorrectionForm.read(kind, amount, reason, key);
        if (!form.errors().isEmpty()) {
            return formAgain(400, kind, userId, amount, reason, form.key(), form.errors());
        }
        String action = kind.path + " " + form.amount();
        try {
            Done done = apply(kind, userId, form);
            audit.record(operator, action, userId, form.key(), "applied " + done.transactionId());
            return Console.redirect("/users/{userId}", userId, "notice", done.notice());
        } catch (ServiceProblem.Refused refused) {
            audit.record(operator, action, userId, form.key(), "refused: " + refused.getMessage());
            return formAgain(refused.status(), kind, userId, amount, reason, form.key(), List.of(refused.getMessage()));
        } catch (WebApplicationException | ProcessingException unanswered) {
            // Whether it was recorded is unknown; the same key makes sending it again safe either way.
            audit.record(operator, action, userId, form.key(), "unknown: " + unanswered.getMessage());
            return formAgain(503, kind, userId, amount, reason, form.key(), List.of("credits-service did not answer, "
                    + "so the " + kind.noun + " may or may not have been recorded. Send it again: it keeps its key, so "
                    + "it is recorded once."));
        }
    }

    private record Done(UUID transactionId, String notice) {
    }

    private Done apply(Correction kind, String userId, CorrectionForm form) {
        return switch (kind) {
            case ADJUSTMENT -> {
                Transaction done = credits.adjust(form.key(), new AdjustmentBody(userId, form.amount(), form.reason()));
                yield new Done(done.transactionId(), "Adjusted by " + form.amount() + " credits (transaction "
                        + done.transactionId() + "); available now " + done.balanceAfter());
            }
            case DEBT_FORGIVENESS -> {
                Forgiveness done = credits.forgiveDebt(userId, form.key(),
                        new ForgivenessBody(form.amount(), form.reason()));
                yield new Done(done.transactionId(), "Forgave " + done.forgiven() + " credits of debt (transaction "
                        + done.transactionId() + "); debt now " + done.debtAfter());
            }
        };
    }

    /** The form again, with what the operator typed, its key, and why it was not sent (or not confirmed). */
    private static Response formAgain(int status, Correction kind, String userId, String amount, String reason,
                                      String key, List<String> errors) {
        return Response.status(status).entity(Templates.form(kind, userId, amount == null ? "" : amount,
                reason == null ? "" : reason, key, errors)).build();
    }
}
