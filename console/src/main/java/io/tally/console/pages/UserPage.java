package io.tally.console.pages;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.tally.console.Console;
import io.tally.console.Operator;
import io.tally.console.services.CreditsAdmin;
import io.tally.console.services.Fetched;
import io.tally.console.services.JobsAdmin;
import io.tally.console.services.PaymentsAdmin;
import io.tally.console.services.Views.Account;
import io.tally.console.services.Views.GiftPage;
import io.tally.console.services.Views.HoldPage;
import io.tally.console.services.Views.JobDetail;
import io.tally.console.services.Views.JobPage;
import io.tally.console.services.Views.LedgerPage;
import io.tally.console.services.Views.PaymentDetail;
import io.tally.console.services.Views.PaymentPage;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** A support ticket's first stop: everything Tally knows about one user, from the three services that hold it. */
@Path("/users")
@RolesAllowed({Operator.ADMIN, Operator.SUPPORT})
@Produces(MediaType.TEXT_HTML)
public class UserPage {

    static final int LEDGER_PAGE = 25;
    static final int LIST_PAGE = 20;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance user(String userId, Fetched<Account> account, Fetched<LedgerPage> ledger,
                                            String ledgerCursor, Fetched<HoldPage> holds, Fetched<JobPage> jobs,
                                            Fetched<PaymentPage> payments, Fetched<GiftPage> sent,
                                            Fetched<GiftPage> received, String notice);

        static native TemplateInstance job(String userId, Fetched<JobDetail> detail, String notice);

        static native TemplateInstance payment(String userId, Fetched<PaymentDetail> detail, String notice);
    }

    private final CreditsAdmin credits;
    private final JobsAdmin jobs;
    private final PaymentsAdmin payments;

    public UserPage(@RestClient CreditsAdmin credits, @RestClient JobsAdmin jobs, @RestClient PaymentsAdmin payments) {
        this.credits = credits;
        this.jobs = jobs;
        this.payments = payments;
    }

    /** The search form's target: on to the user's page (a blank search goes back to the form). */
    @GET
    public Response search(@QueryParam("id") String userId) {
        if (userId == null || userId.isBlank()) {
            return Console.toStart();
        }
        return Console.redirect("/users/{userId}", userId.strip(), null, null);
    }

    @GET
    @Path("/{userId}")
    public TemplateInstance user(@PathParam("userId") String userId, @QueryParam("ledger") String ledgerCursor,
                                 @QueryParam("notice") String notice) {
        return Templates.user(userId,
                Fetched.of("Balance", () -> credits.account(userId)),
                Fetched.of("Ledger", () -> credits.ledger(userId, ledgerCursor, LEDGER_PAGE)),
                ledgerCursor,
                Fetched.of("Holds", () -> credits.holds(userId, "active", LIST_PAGE)),
                Fetched.of("Jobs", () -> jobs.jobsOf(userId, LIST_PAGE)),
                Fetched.of("Payments", () -> payments.paymentsOf(userId, LIST_PAGE)),
                Fetched.of("Gifts sent", () -> credits.gifts(userId, "sent", LIST_PAGE)),
                Fetched.of("Gifts received", () -> credits.gifts(userId, "received", LIST_PAGE)),
                notice);
    }

    @GET
    @Path("/{userId}/jobs/{jobId}")
    public TemplateInstance job(@PathParam("userId") String userId, @PathParam("jobId") UUID jobId,
                                @QueryParam("notice") String notice) {
        return Templates.job(userId, Fetched.of("Job", () -> jobs.job(jobId)), notice);
    }

    @GET
    @Path("/{userId}/payments/{paymentId}")
    public TemplateInstance payment(@PathParam("userId") String userId, @PathParam("paymentId") UUID paymentId,
                                    @QueryParam("notice") String notice) {
        return Templates.payment(userId, Fetched.of("Payment", () -> payments.payment(paymentId)), notice);
    }
}
