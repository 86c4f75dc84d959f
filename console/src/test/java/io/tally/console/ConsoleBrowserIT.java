package io.tally.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.common.testing.LocalNginx;
import io.tally.common.testing.ServiceProcess;
import io.tally.common.testing.TestTokens;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.security.SecureRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The console in a real browser against the real stack: Keycloak as the operators' identity provider (its tokens
 * are what the services check), the four services on the test database and broker, the console behind the gateway
 * (nginx with the gateway's template), headless Chromium.
 * An admin signs in, finds a user, adjusts their balance and sees it change, sees a failed job's released hold and a
 * refused webhook; a support operator sees the same pages and cannot act.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    private static final String STRIPE_SECRET = "whsec_console_it_" + UUID.randomUUID();
    private static final String ADMIN_PASSWORD = secret();
    private static final String SUPPORT_PASSWORD = secret();

    private static KeycloakServer keycloak;
    private static final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private static ServiceProcess console;
    private static LocalNginx gateway;
    private static Browser browser;
    private static String consoleUrl;
    private static String user;
    private static UUID failedJob;
    private static String debtor;
    private static String refundUser;
    private static UUID completedJob;
    private static long completedJobCost;

    @BeforeAll
    static void startStack() throws Exception {
        // The issuer is known before Keycloak runs: the services and the console only need its address.
        int keycloakPort = ServiceProcess.freePort();
        String issuer = "http://127.0.0.1:" + keycloakPort + "/realms/" + KeycloakServer.REALM;
        for (String service : new String[] {"credits", "jobs", "payments", "presence"}) {
            Map<String, String> env = new LinkedHashMap<>(Map.of("TALLY_JWT_ISSUER", issuer));
            if (service.equals("payments")) {
                env.putAll(Map.of("TALLY_STRIPE_WEBHOOK_SECRETS", STRIPE_SECRET, "TALLY_STRIPE_LIVEMODE", "false",
                        "TALLY_PAYMENTS_DEMO_CATALOGUE", "true"));
            }
            services.put(service, ServiceProcess.start(service + "-service", env));
        }
        String consoleSecret = secret();
        Map<String, String> consoleEnv = new LinkedHashMap<>(Map.of(
                "TALLY_CONSOLE_OIDC_URL", issuer, "TALLY_CONSOLE_OIDC_SECRET", consoleSecret));
        services.forEach((name, process) -> consoleEnv.put("TALLY_" + name.toUpperCase() + "_URL", process.baseUrl()));
        console = ServiceProcess.start("console", consoleEnv, "/console/q/health/ready");
        // The browser goes through the gateway (Debian's nginx with the gateway's template), as an operator's does.
        Map<String, Integer> upstreams = new LinkedHashMap<>();
        services.forEach((name, process) -> upstreams.put(name, process.port()));
        upstreams.put("console", console.port());
        gateway = LocalNginx.start(upstreams, 1000, 1000, "192.0.2.1/32");
        consoleUrl = gateway.baseUrl() + "/console";
        keycloak = KeycloakServer.start(keycloakPort, Map.of(
                "CONSOLE_URL", console.baseUrl(), "GATEWAY_URL", gateway.baseUrl(), "CONSOLE_SECRET", consoleSecret,
                "ADMIN_PASSWORD", ADMIN_PASSWORD, "SUPPORT_PASSWORD", SUPPORT_PASSWORD));
        seedUserWithAFailedJob();
        seedDebtor();
        seedCompletedJob();
        browser = Browser.start();
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (console != null) {
            console.close();
        }
        services.values().forEach(ServiceProcess::close);
        if (keycloak != null) {
            keycloak.close();
        }
    }

    @Test
    @Order(1)
    void anAdminSignsInAndFindsAUser() throws Exception {
        signIn("ops-admin", ADMIN_PASSWORD);
        assertThat(browser.text("#operator-name")).isEqualTo("ops-admin");
        assertThat(browser.text("#operator-role")).isEqualTo("admin");
        browser.checkPage("00-home");

        browser.type("#user-id", user);
        browser.click("form[role=search] button");
        browser.awaitTitle("User " + user);
        assertThat(browser.text("#available")).isEqualTo("100");
        assertThat(browser.text("#ledger")).contains("signup_bonus");
        browser.checkPage("01-user");
    }

    @Test
    @Order(2)
    void anAdjustmentIsReviewedThenChangesTheBalance() throws Exception {
        browser.open(consoleUrl + "/users/" + user);
        browser.click("#adjust-link");
        browser.awaitTitle("Adjust");
        browser.checkPage("02-adjustment-form");

        browser.type("#amount", "0");
        browser.type("#reason", "goodwill");
        browser.click("#review");
        assertThat(browser.text("#form-errors")).contains("must not be zero");
        browser.checkPage("02-adjustment-refused", 400);
        assertThat(credits(user).get("available").asLong()).as("nothing sent for a bad form").isEqualTo(100);

        browser.type("#amount", "50");
        browser.type("#reason", "Ticket 4711: render failed twice");
        browser.click("#review");
        browser.awaitTitle("Confirm");
        assertThat(browser.text("#review-summary")).contains("+50", "Ticket 4711");
        assertThat(credits(user).get("available").asLong()).as("reviewing sends nothing").isEqualTo(100);
        browser.checkPage("03-adjustment-review");

        String key = browser.find("form input[name=key]").getAttribute("value");
        browser.click("#confirm");
        browser.awaitTitle("User " + user);
        assertThat(browser.text("#notice")).contains("Adjusted by 50");
        assertThat(browser.text("#available")).isEqualTo("150");
        assertThat(browser.text("#ledger")).contains("adjustment", "Ticket 4711: render failed twice");
        assertThat(credits(user).get("available").asLong()).isEqualTo(150);
        assertThat(console.logLines()).as("the audit log").anySatisfy(line -> assertThat(line)
                .contains("operator=ops-admin role=admin action=adjustment 50 target=" + user + " key=" + key,
                        "outcome=applied"));
        browser.checkPage("04-adjusted");

        // The same confirmation posted again (a double submit, a resend): the form's key makes it one adjustment.
        browser.postForm(consoleUrl + "/users/" + user + "/adjustment",
                Map.of("key", key, "amount", "50", "reason", "Ticket 4711: render failed twice"));
        browser.awaitTitle("User " + user);
        assertThat(credits(user).get("available").asLong()).as("a second confirmation posts nothing").isEqualTo(150);
    }

    @Test
    @Order(3)
    void aDebtThatIsNotOwedIsForgiven() throws Exception {
        browser.open(consoleUrl + "/users/" + debtor);
        assertThat(browser.text("#debt")).isEqualTo("80");
        assertThat(browser.has("#forgive-link")).isTrue();
        browser.click("#forgive-link");
        browser.awaitTitle("Forgive debt");
        browser.checkPage("04-forgiveness-form");

        browser.type("#amount", "-5");
        browser.type("#reason", "Ticket 4712: the bank reversed the refund");
        browser.click("#review");
        assertThat(browser.url()).as("the field's own check stops a negative amount in the browser")
                .endsWith("/debt-forgiveness");

        // More than the account owes: only credits-service knows the debt, so its refusal comes back on the form.
        browser.type("#amount", "81");
        browser.click("#review");
        browser.awaitTitle("Confirm");
        assertThat(browser.text("#review-summary")).contains("Forgive 81 credits", "Ticket 4712");
        browser.click("#confirm");
        browser.awaitTitle("Forgive debt");
        assertThat(browser.text("#form-errors")).contains("owes 80 credits; cannot forgive 81");
        browser.checkPage("04-forgiveness-refused", 422);
        assertThat(credits(debtor).get("debt").asLong()).as("a refusal changes nothing").isEqualTo(80);

        browser.type("#amount", "80");
        browser.click("#review");
        browser.awaitTitle("Confirm");
        String key = browser.find("form input[name=key]").getAttribute("value");
        browser.click("#confirm");
        browser.awaitTitle("User " + debtor);
        assertThat(browser.text("#notice")).contains("Forgave 80 credits of debt", "debt now 0");
        assertThat(browser.text("#debt")).isEqualTo("0");
        assertThat(browser.has("#forgive-link")).as("nothing left to forgive").isFalse();
        assertThat(browser.text("#ledger")).contains("debt_forgiveness", "Ticket 4712");
        assertThat(credits(debtor).get("debt").asLong()).isEqualTo(0);
        assertThat(console.logLines()).as("the audit log").anySatisfy(line -> assertThat(line).contains(
                "operator=ops-admin role=admin action=debt-forgiveness 80 target=" + debtor + " key=" + key,
                "outcome=applied"));
        browser.checkPage("04-forgiven");

        browser.postForm(consoleUrl + "/users/" + debtor + "/debt-forgiveness",
                Map.of("key", key, "amount", "80", "reason", "Ticket 4712: the bank reversed the refund"));
        browser.awaitTitle("User " + debtor);
        assertThat(browser.text("#notice")).as("the same key replays the first answer").contains("debt now 0");
        JsonNode ledger = ServiceCalls.get(services.get("credits").baseUrl() + "/credits/admin/accounts/" + debtor
                + "/ledger?limit=50", TestTokens.issuedBy(keycloak.issuer(), "console-it-admin", "admin")).body();
        assertThat(ledger.findValuesAsText("kind")).as("one forgiveness for two confirmations")
                .filteredOn("debt_forgiveness"::equals).hasSize(1);
    }

    @Test
    @Order(4)
    void theFailedJobShowsItsHoldReleased() throws Exception {
        browser.open(consoleUrl + "/users/" + user);
        assertThat(browser.text("#jobs")).contains(failedJob.toString(), "REFUNDED", "provider timed out");
        browser.click("#jobs a[href$='" + failedJob + "']");
        browser.awaitTitle("Job");
        assertThat(browser.text("#job-status")).isEqualTo("REFUNDED");
        assertThat(browser.text("#job-charge")).isEqualTo("voided");
        assertThat(browser.text("#job-history")).contains("QUEUED", "PROCESSING", "FAILED", "REFUNDED");
        browser.checkPage("05-failed-job");
    }

    @Test
    @Order(5)
    void aCompletedJobIsRefundedOnceConfirmed() throws Exception {
        String jobPage = consoleUrl + "/users/" + refundUser + "/jobs/" + completedJob;
        browser.open(jobPage);
        assertThat(browser.text("#job-charge")).isEqualTo("captured");
        browser.click("#refund-link");
        browser.awaitTitle("Refund a job");
        assertThat(browser.text("#refund-job")).contains("COMPLETED", "spent " + completedJobCost + " credits");
        browser.checkPage("05-refund-form");

        browser.type("#reason", "Ticket 4713: the render came out black");
        browser.click("#review");
        browser.awaitTitle("Confirm the refund");
        assertThat(browser.text("#review-summary")).contains(completedJobCost + " credits", "Ticket 4713");
        assertThat(credits(refundUser).get("available").asLong()).as("reviewing sends nothing")
                .isEqualTo(100 - completedJobCost);
        String key = browser.find("form input[name=key]").getAttribute("value");
        browser.click("#confirm");
        browser.awaitTitle("Job");
        assertThat(browser.text("#notice")).contains("Refund asked for", completedJobCost + " credits");
        await("the refund through the saga").atMost(Duration.ofSeconds(30)).until(() -> {
            browser.open(jobPage);
            return browser.text("#job-charge").equals("refunded");
        });
        assertThat(browser.text("#job-status")).as("the job keeps its result").isEqualTo("COMPLETED");
        assertThat(browser.text("#job-history")).contains("refund asked for by ops-admin: Ticket 4713");
        assertThat(browser.has("#refund-link")).as("refunded once, nothing left to refund").isFalse();
        assertThat(credits(refundUser).get("available").asLong()).isEqualTo(100);
        assertThat(console.logLines()).as("the audit log").anySatisfy(line -> assertThat(line).contains(
                "operator=ops-admin role=admin action=job-refund " + completedJob + " target=" + refundUser
                        + " key=" + key));
        browser.checkPage("05-refunded");

        // The confirmation again: the job is refunded once.
        browser.postForm(jobPage + "/refund", Map.of("key", key, "reason", "Ticket 4713: the render came out black"));
        browser.awaitTitle("Job");
        assertThat(credits(refundUser).get("available").asLong()).isEqualTo(100);
    }

    @Test
    @Order(6)
    void aPendingPaymentsRecheckSaysWhyItCouldNotAskTheProvider() throws Exception {
        // A checkout never paid (or its webhook lost): the support case a re-check answers.
        ServiceCalls.Answer checkout = ServiceCalls.post(services.get("payments").baseUrl() + "/payments/checkout",
                TestTokens.issuedBy(keycloak.issuer(), refundUser, "user"),
                "{\"packageCode\":\"usd-starter\",\"provider\":\"stripe\"}");
        assertThat(checkout.status()).as(checkout.text()).isEqualTo(201);
        String payment = checkout.body().get("id").asText();
        browser.open(consoleUrl + "/users/" + refundUser + "/payments/" + payment);
        browser.click("#recheck-link");
        browser.awaitTitle("Re-check a payment");
        assertThat(browser.text("#review-summary")).contains("ask stripe", "pending");
        browser.checkPage("06-recheck-review");
        String key = browser.find("form input[name=key]").getAttribute("value");

        browser.click("#confirm");
        // This stack has no Stripe key, so payments-service cannot ask Stripe: it says so, and nothing changed.
        assertThat(browser.text("#form-errors")).contains("TALLY_STRIPE_SECRET_KEY is not set");
        browser.checkPage("06-recheck-not-asked", 503);
        assertThat(ServiceCalls.get(services.get("payments").baseUrl() + "/payments/" + payment,
                TestTokens.issuedBy(keycloak.issuer(), refundUser, "user")).body().get("status").asText())
                .isEqualTo("pending");
        assertThat(console.logLines()).as("the audit log").anySatisfy(line -> assertThat(line).contains(
                "action=payment-recheck " + payment + " target=" + refundUser + " key=" + key, "not re-checked"));
    }

    @Test
    @Order(7)
    void aRefusedWebhookIsListed() throws Exception {
        browser.open(consoleUrl + "/payments");
        browser.find("#outcome option[value=rejected_signature]").click();
        browser.click("form[aria-labelledby=webhooks-heading] button");
        browser.awaitTitle("Payments");
        assertThat(browser.url()).contains("outcome=rejected_signature");
        assertThat(browser.all("#deliveries td.outcome")).isNotEmpty()
                .allSatisfy(cell -> assertThat(cell.getText()).isEqualTo("rejected_signature"));
        browser.checkPage("06-payments");

        // A job running on a named worker, its lease stretched to a minute so it outlasts the page's load.
        UUID running = queuedJob("console-runner-" + UUID.randomUUID());   // its hold is on another user's balance
        String renderNode = "console-it-render-node";
        String nodeToken = TestTokens.issuedBy(keycloak.issuer(), renderNode, "worker");
        JsonNode lease = claim(running, nodeToken);
        ServiceCalls.Answer beat = ServiceCalls.post(services.get("jobs").baseUrl() + "/worker/jobs/" + running
                + "/heartbeat", nodeToken, "{\"leaseToken\":\"" + lease.get("leaseToken").asText()
                + "\",\"progress\":40,\"leaseSeconds\":60}");
        assertThat(beat.status()).as(beat.text()).isEqualTo(200);

        browser.open(consoleUrl + "/queue");
        assertThat(browser.text("#jobs-by-status")).contains("REFUNDED");
        assertThat(browser.all("#workers tbody tr")).as("the worker holding the running job")
                .anySatisfy(row -> assertThat(row.getText()).startsWith(renderNode + " "));
        assertThat(browser.all("#leases tbody tr")).anySatisfy(row -> assertThat(row.getText())
                .contains(running.toString(), "text_to_image", renderNode, "40%"));
        assertThat(browser.text("#dead-letters")).containsPattern("jobs-service has dead-lettered \\d+ events");
        assertThat(browser.all("#throughput g.minute")).as("a bar a minute").hasSize(60);
        assertThat(browser.find("#throughput-title").getAttribute("textContent"))
                .as("the seeded job failed within the hour").containsPattern("and [1-9]\\d* ended otherwise");
        browser.checkPage("07-queue");

        browser.open(consoleUrl + "/health");
        assertThat(browser.text("#readiness")).contains("credits-service", "ready");
        assertThat(browser.all("#readiness tbody tr")).hasSize(4).allSatisfy(row -> assertThat(row.getText())
                .as("readiness, then outbox backlog and the other figures read from the service's metrics")
                .matches("\\S+-service ready \\d+ .*"));
        // The test database holds earlier modules' accounts too: the page must say what credits-service says.
        boolean healthy = ServiceCalls.get(services.get("credits").baseUrl() + "/credits/admin/reconciliation",
                TestTokens.issuedBy(keycloak.issuer(), "console-it-admin", "admin")).body().get("healthy").asBoolean();
        assertThat(browser.text("#reconciliation")).startsWith(healthy ? "Healthy" : "Drift found");
        browser.checkPage("08-health");
    }

    @Test
    @Order(8)
    void theLivePageFollowsABoxsViewersWithoutAReload() throws Exception {
        String presence = services.get("presence").baseUrl();
        String streamer = "console-streamer-" + UUID.randomUUID();
        ServiceCalls.Answer box = ServiceCalls.post(presence + "/boxes",
                TestTokens.issuedBy(keycloak.issuer(), streamer, "user"), "{\"title\":\"Console IT live\"}");
        assertThat(box.status()).as(box.text()).isEqualTo(201);
        String boxId = box.body().get("id").asText();
        join(presence, boxId, "viewer-a");

        browser.open(consoleUrl + "/live");
        String row = "#box-table tr:has(a[href$='" + streamer + "']) td.viewers";
        assertThat(browser.text(row)).isEqualTo("1");
        browser.checkPage("09-live");
        join(presence, boxId, "viewer-b");
        browser.awaitText(row, "2");   // the page's own refresh, no reload
        browser.checkPage("10-live-updated");
    }

    private static void join(String presence, String boxId, String viewer) throws Exception {
        ServiceCalls.Answer joined = ServiceCalls.post(presence + "/boxes/" + boxId + "/viewers",
                TestTokens.issuedBy(keycloak.issuer(), viewer + "-" + UUID.randomUUID(), "user"), "{}");
        assertThat(joined.status()).as(joined.text()).isIn(200, 201);
    }

    @Test
    @Order(9)
    void theKeyboardReachesTheSkipLinkFirst() throws Exception {
        browser.open(consoleUrl + "/queue");
        browser.find("body").sendKeys(org.openqa.selenium.Keys.TAB);
        assertThat(browser.focused().getText()).isEqualTo("Skip to content");
    }

    @Test
    @Order(10)
    void aSupportOperatorReadsButCannotAct() throws Exception {
        browser.open(consoleUrl + "/logout");
        signIn("ops-support", SUPPORT_PASSWORD);
        assertThat(browser.text("#operator-role")).isEqualTo("support");

        browser.open(consoleUrl + "/users/" + user);
        assertThat(browser.text("#available")).isEqualTo("150");
        assertThat(browser.has("#adjust-link")).as("no adjust link for support").isFalse();
        browser.checkPage("11-support-user");

        browser.open(consoleUrl + "/users/" + user + "/adjustment");
        assertThat(browser.has("#amount")).as("the adjustment form is refused").isFalse();
        // and the service itself refuses the support role, whatever a console would send
        String supportToken = TestTokens.issuedBy(keycloak.issuer(), "ops-support", "support");
        ServiceCalls.Answer refused = ServiceCalls.post(services.get("credits").baseUrl() + "/credits/adjustments",
                supportToken, "{\"userId\":\"" + user + "\",\"amount\":5,\"reason\":\"not allowed\"}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(credits(user).get("available").asLong()).isEqualTo(150);
    }

    private static void signIn(String username, String password) {
        browser.open(consoleUrl + "/");
        browser.type("#username", username);
        browser.type("#password", password);
        browser.click("#kc-login");
        browser.awaitTitle("Find a user");
    }

    private static JsonNode credits(String userId) throws Exception {
        return ServiceCalls.get(services.get("credits").baseUrl() + "/credits/me",
                TestTokens.issuedBy(keycloak.issuer(), userId, "user")).body();
    }

    /** A user with the signup bonus and one job that failed for good (its hold voided), and a forged webhook. */
    private static void seedUserWithAFailedJob() throws Exception {
        user = "console-user-" + UUID.randomUUID();
        String userToken = TestTokens.issuedBy(keycloak.issuer(), user, "user");
        assertThat(credits(user).get("available").asLong()).as("signup bonus").isEqualTo(100);

        String jobs = services.get("jobs").baseUrl();
        failedJob = queuedJob(user);
        String worker = TestTokens.issuedBy(keycloak.issuer(), "console-it-worker", "worker");
        JsonNode lease = claim(failedJob, worker);
        ServiceCalls.Answer failed = ServiceCalls.post(jobs + "/worker/jobs/" + failedJob + "/fail", worker,
                "{\"leaseToken\":\"" + lease.get("leaseToken").asText() + "\",\"error\":\"provider timed out\","
                        + "\"retryable\":false}");
        assertThat(failed.status()).as(failed.text()).isEqualTo(200);
        await("the hold voided").atMost(Duration.ofSeconds(30)).until(() -> ServiceCalls
                .get(jobs + "/jobs/" + failedJob, userToken).body().get("chargeStatus").asText().equals("voided"));

        ServiceCalls.Answer forged = ServiceCalls.postRaw(services.get("payments").baseUrl() + "/webhooks/stripe",
                "Stripe-Signature", "t=" + System.currentTimeMillis() / 1000 + ",v1=" + "0".repeat(64),
                "{\"id\":\"evt_forged\",\"type\":\"checkout.session.completed\"}");
        assertThat(forged.status()).as(forged.text()).isEqualTo(400);
    }

    /**
     * A user who bought 100 credits, spent 180 of their 200, then had the payment refunded by the provider: the
     * clawback takes the 20 left and the other 80 become debt.
     */
    private static void seedDebtor() throws Exception {
        debtor = "console-debtor-" + UUID.randomUUID();
        String token = TestTokens.issuedBy(keycloak.issuer(), debtor, "user");
        assertThat(credits(debtor).get("available").asLong()).as("signup bonus").isEqualTo(100);
        String payments = services.get("payments").baseUrl();
        ServiceCalls.Answer checkout = ServiceCalls.post(payments + "/payments/checkout", token,
                "{\"packageCode\":\"usd-starter\",\"provider\":\"stripe\"}");
        assertThat(checkout.status()).as(checkout.text()).isEqualTo(201);
        String intent = "pi_console_" + UUID.randomUUID().toString().replace("-", "");
        long amountMinor = checkout.body().get("amountMinor").asLong();
        stripe("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"payment_intent.succeeded\",\"livemode\":false,"
                + "\"data\":{\"object\":{\"id\":\"" + intent + "\",\"object\":\"payment_intent\",\"amount\":"
                + amountMinor + ",\"amount_received\":" + amountMinor + ",\"currency\":\"usd\",\"status\":\"succeeded\","
                + "\"metadata\":{\"tally_reference\":\"" + checkout.body().get("reference").asText() + "\"}}}}");
        await("the purchase granted").atMost(Duration.ofSeconds(30))
                .until(() -> credits(debtor).get("available").asLong() == 200);

        ServiceCalls.Answer charged = ServiceCalls.post(services.get("credits").baseUrl() + "/credits/charges",
                TestTokens.issuedBy(keycloak.issuer(), "console-it-backend", "service"),
                "{\"jobId\":\"" + UUID.randomUUID() + "\",\"userId\":\"" + debtor + "\",\"amount\":180}");
        assertThat(charged.status()).as(charged.text()).isEqualTo(201);

        stripe("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"charge.refunded\",\"livemode\":false,"
                + "\"data\":{\"object\":{\"id\":\"ch_" + UUID.randomUUID().toString().replace("-", "") + "\","
                + "\"object\":\"charge\",\"payment_intent\":\"" + intent + "\",\"amount\":" + amountMinor
                + ",\"amount_refunded\":" + amountMinor + ",\"refunded\":true}}}");
        await("the clawback's debt").atMost(Duration.ofSeconds(30))
                .until(() -> credits(debtor).get("debt").asLong() == 80);
    }

    /** A user with one job completed and its price captured from the signup bonus. */
    private static void seedCompletedJob() throws Exception {
        refundUser = "console-refund-" + UUID.randomUUID();
        completedJob = queuedJob(refundUser);
        String worker = TestTokens.issuedBy(keycloak.issuer(), "console-it-worker", "worker");
        JsonNode lease = claim(completedJob, worker);
        ServiceCalls.Answer completed = ServiceCalls.post(services.get("jobs").baseUrl() + "/worker/jobs/"
                + completedJob + "/complete", worker, "{\"leaseToken\":\"" + lease.get("leaseToken").asText()
                + "\",\"resultUrl\":\"https://cdn.example/render.png\"}");
        assertThat(completed.status()).as(completed.text()).isEqualTo(200);
        await("the price captured").atMost(Duration.ofSeconds(30)).until(() -> ServiceCalls.get(services.get("jobs")
                        .baseUrl() + "/jobs/" + completedJob, TestTokens.issuedBy(keycloak.issuer(), refundUser, "user"))
                .body().get("chargeStatus").asText().equals("captured"));
        completedJobCost = ServiceCalls.get(services.get("jobs").baseUrl() + "/jobs/" + completedJob,
                TestTokens.issuedBy(keycloak.issuer(), refundUser, "user")).body().get("capturedCredits").asLong();
        assertThat(completedJobCost).isPositive();
        assertThat(credits(refundUser).get("available").asLong()).isEqualTo(100 - completedJobCost);
    }

    /** A user's job, submitted and queued. */
    private static UUID queuedJob(String userId) throws Exception {
        String jobs = services.get("jobs").baseUrl();
        String token = TestTokens.issuedBy(keycloak.issuer(), userId, "user");
        ServiceCalls.Answer submitted = ServiceCalls.post(jobs + "/jobs", token,
                "{\"type\":\"text_to_image\",\"prompt\":\"a lighthouse at dusk\",\"quality\":\"high\"}");
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        UUID job = UUID.fromString(submitted.body().get("id").asText());
        await("the job queued").atMost(Duration.ofSeconds(30)).until(() -> ServiceCalls
                .get(jobs + "/jobs/" + job, token).body().get("status").asText().equals("QUEUED"));
        return job;
    }

    /**
     * Claims as {@code workerToken}'s worker until {@code job} comes, and returns its lease. Earlier modules' tests
     * leave jobs queued in the test database and a claim takes the oldest first: the others are claimed with 5-second
     * leases that lapse, and they are retried later, their money untouched.
     */
    private static JsonNode claim(UUID job, String workerToken) throws Exception {
        String jobs = services.get("jobs").baseUrl();
        while (true) {
            ServiceCalls.Answer claimed = ServiceCalls.post(jobs + "/worker/jobs/claim", workerToken,
                    "{\"limit\":100,\"leaseSeconds\":5,\"waitSeconds\":5}");
            assertThat(claimed.status()).as(claimed.text()).isEqualTo(200);
            assertThat(claimed.body().get("jobs")).as("our queued job is claimable").isNotEmpty();
            for (JsonNode candidate : claimed.body().get("jobs")) {
                if (candidate.get("job").get("id").asText().equals(job.toString())) {
                    return candidate;
                }
            }
        }
    }

    private static void stripe(String body) throws Exception {
        ServiceCalls.Answer receipt = ServiceCalls.postRaw(services.get("payments").baseUrl() + "/webhooks/stripe",
                "Stripe-Signature", io.tally.common.testing.StripeSignatures.header(STRIPE_SECRET, body), body);
        assertThat(receipt.status()).as(receipt.text()).isEqualTo(200);
        assertThat(receipt.body().get("outcome").asText()).as(receipt.text()).isEqualTo("applied");
    }

    private static String secret() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
