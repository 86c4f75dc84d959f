package io.tally.console.pages;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.tally.console.Operator;
import io.tally.console.services.Fetched;
import io.tally.console.services.PaymentsAdmin;
import io.tally.console.services.Views.DeliveryPage;
import io.tally.console.services.Views.Unreconciled;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Webhook deliveries by provider and outcome (refused and ignored ones too), and payments whose credits are late. */
@Path("/payments")
@RolesAllowed({Operator.ADMIN, Operator.SUPPORT})
@Produces(MediaType.TEXT_HTML)
public class PaymentsPage {

    static final int PAGE = 50;
    /** The outcomes payments-service records for a delivery, as its API names them. */
    static final List<String> OUTCOMES = List.of("applied", "duplicate", "out_of_order", "ignored",
            "illegal_transition", "mismatch", "unknown_payment", "rejected_signature", "rejected_malformed", "error");
    static final List<String> PROVIDERS = List.of("stripe", "opn", "apple", "google");

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance payments(String provider, String outcome, List<String> providers,
                                                List<String> outcomes, Fetched<DeliveryPage> deliveries,
                                                Fetched<Unreconciled> unreconciled);
    }

    private final PaymentsAdmin payments;

    public PaymentsPage(@RestClient PaymentsAdmin payments) {
        this.payments = payments;
    }

    @GET
    public TemplateInstance payments(@QueryParam("provider") String provider, @QueryParam("outcome") String outcome) {
        String chosenProvider = blankToNull(provider);
        String chosenOutcome = blankToNull(outcome);
        return Templates.payments(chosenProvider, chosenOutcome, PROVIDERS, OUTCOMES,
                Fetched.of("Webhook deliveries", () -> payments.webhooks(chosenProvider, chosenOutcome, PAGE)),
                Fetched.of("Unreconciled payments", payments::unreconciled));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
