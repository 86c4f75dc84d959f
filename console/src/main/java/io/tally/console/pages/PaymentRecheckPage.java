package io.tally.console.pages;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.tally.console.AuditLog;
import io.tally.console.Console;
import io.tally.console.Operator;
import io.tally.console.services.Fetched;
import io.tally.console.services.PaymentsAdmin;
import io.tally.console.services.ServiceProblem;
import io.tally.console.services.Views.PaymentDetail;
import io.tally.console.services.Views.Recheck;
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
 * "I paid and got no coins": payments-service asks the payment's provider how it stands and applies the answer as
 * its webhook would have. The page says what will be asked before it is; the answer comes back on the payment's page.
 */
@Path("/users/{userId}/payments/{paymentId}/recheck")
@RolesAllowed(Operator.ADMIN)
@Produces(MediaType.TEXT_HTML)
public class PaymentRecheckPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance review(String userId, Fetched<PaymentDetail> detail, String key,
                                              List<String> errors);
    }

    private final PaymentsAdmin payments;
    private final Operator operator;
    private final AuditLog audit;

    public PaymentRecheckPage(@RestClient PaymentsAdmin payments, Operator operator, AuditLog audit) {
        this.payments = payments;
        this.operator = operator;
        this.audit = audit;
    }

    /** What the re-check will do, and the button that does it; nothing is asked yet. */
    @GET
    public TemplateInstance review(@PathParam("userId") String userId, @PathParam("paymentId") UUID paymentId) {
        return Templates.review(userId, payment(paymentId), UUID.randomUUID().toString(), List.of());
    }

    @POST
    public Response recheck(@PathParam("userId") String userId, @PathParam("paymentId") UUID paymentId,
                            @FormParam("key") String keyText) {
        List<String> errors = new ArrayList<>();
        String key = FormFields.key(keyText, errors);
        if (!errors.isEmpty()) {
            return again(400, userId, paymentId, key, errors);
        }
        String action = "payment-recheck " + paymentId;
        try {
            Recheck done = payments.recheck(paymentId, key);
            audit.record(operator, action, userId, key, done.outcome() + ": payment " + done.status());
            return Console.redirect("/users/{userId}/payments/" + paymentId, userId, "notice", "Re-checked with "
                    + done.provider() + ": " + done.outcome() + (done.detail() == null ? "" : " (" + done.detail() + ")")
                    + "; the payment is " + done.status() + ".");
        } catch (ServiceProblem.Refused refused) {
            audit.record(operator, action, userId, key, "refused: " + refused.getMessage());
            return again(refused.status(), userId, paymentId, key, List.of(refused.getMessage()));
        } catch (WebApplicationException failed) {
            // payments-service's 503 says why: the provider did not answer, or cannot be asked from here.
            String why = ServiceProblem.detailOf(failed.getResponse()).orElse("payments-service did not answer");
            audit.record(operator, action, userId, key, "not re-checked: " + why);
            return again(503, userId, paymentId, key, List.of(why + ". A re-check applies what the provider says "
                    + "once, so trying again later is safe."));
        } catch (ProcessingException unanswered) {
            audit.record(operator, action, userId, key, "unknown: " + unanswered.getMessage());
            return again(503, userId, paymentId, key, List.of("payments-service did not answer. A re-check applies "
                    + "what the provider says once, so trying again later is safe."));
        }
    }

    private Fetched<PaymentDetail> payment(UUID paymentId) {
        return Fetched.of("Payment", () -> payments.payment(paymentId));
    }

    private Response again(int status, String userId, UUID paymentId, String key, List<String> errors) {
        return Response.status(status).entity(Templates.review(userId, payment(paymentId), key, errors)).build();
    }
}
