package io.tally.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.common.testing.LocalNginx;
import io.tally.common.testing.RateLimitWindows;
import io.tally.common.testing.ServiceProcess;
import io.tally.common.testing.TestTokens;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway for real: Debian's nginx with gateway/templates/tally.conf.template in front of the four packaged
 * services (on the test database and broker). Every call here goes through nginx, as a client's would.
 */
class GatewayIT {

    private static final String STRIPE_SECRET = "whsec_gateway_it_" + UUID.randomUUID();
    /** Small enough for the per-address test to reach it; the other tests submit fewer jobs from one address. */
    private static final int JOBS_PER_IP = 5;
    /** Plays a Kubernetes Gateway's pod in front of the gateway: its X-Forwarded-For is believed. */
    private static final String TRUSTED_PROXY = "127.0.0.5";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static final Map<String, ServiceProcess> SERVICES = new LinkedHashMap<>();
    private static LocalNginx gateway;
    private static TallyClient client;

    @BeforeAll
    static void startServicesAndGateway() throws IOException {
        Map<String, Map<String, String>> environment = Map.of(
                "credits", Map.of(),
                "jobs", Map.of("TALLY_JOBS_RATE_LIMIT_PER_IP", Integer.toString(JOBS_PER_IP),
                        "TALLY_JOBS_RATE_LIMIT_PER_USER", "100"),
                "payments", Map.of("TALLY_STRIPE_WEBHOOK_SECRETS", STRIPE_SECRET, "TALLY_STRIPE_LIVEMODE", "false",
                        "TALLY_PAYMENTS_DEMO_CATALOGUE", "true"),
                "presence", Map.of());
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (String service : ServiceSettings.SERVICES) {
            starts.add(CompletableFuture.runAsync(() -> {
                ServiceProcess process = ServiceProcess.start(service + "-service", environment.get(service));
                synchronized (SERVICES) {
                    SERVICES.put(service, process);
                }
            }));
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        Map<String, Integer> upstreams = new HashMap<>();
        SERVICES.forEach((name, process) -> upstreams.put(name, process.port()));
        upstreams.put("console", 9);   // no console here: nothing listens on the discard port
        gateway = LocalNginx.start(upstreams, 20, 20, TRUSTED_PROXY + "/32");
        client = new TallyClient(gateway.baseUrl());
    }

    @AfterAll
    static void stopEverything() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
        SERVICES.values().forEach(ServiceProcess::close);
    }

    @Test
    void eachPathPrefixReachesItsService() throws Exception {
        String user = user("router");
        assertThat(get("/credits/me", user).statusCode()).isEqualTo(200);
        assertThat(get("/jobs/quote?type=text_to_video&durationSeconds=5&quality=high", user).body()).contains("\"cost\":15");
        assertThat(get("/payments/packages", null).body()).contains("thb-popular");
        assertThat(get("/boxes?published=true", user).statusCode()).isEqualTo(200);
        // A user token is not a worker's: jobs-service itself answers, in its own problem format.
        HttpResponse<String> claim = post("/worker/jobs/claim", user, Map.of(), "{\"limit\":1}");
        assertThat(claim.statusCode()).isEqualTo(403);
        assertThat(claim.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        assertThat(post("/webhooks/stripe", null, Map.of(), "{}").statusCode()).isEqualTo(400);
    }

    @Test
    void pathsOutsideTheApisAreNotExposed() throws Exception {
        for (String path : List.of("/q/health/ready", "/q/metrics", "/q/openapi", "/", "/creditsx/me")) {
            HttpResponse<String> answer = get(path, null);
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(JSON.readTree(answer.body()).get("status").asInt()).isEqualTo(404);
        }
    }

    /** The console's route where no console runs: a problem+json 503, like any service that is not reachable. */
    @Test
    void theConsoleRouteAnswers503WhereNoConsoleRuns() throws Exception {
        HttpResponse<String> answer = get("/console/users/anyone", null);
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(get("/console", null).statusCode()).as("the bare path, sent on to /console/").isEqualTo(301);
        assertThat(get("/consolex", null).statusCode()).as("not a prefix match").isEqualTo(404);
        assertThat(get("/console/q/health", null).statusCode()).as("the console's probes are not public")
                .isEqualTo(404);
    }

    @Test
    void aSignedWebhookSurvivesTheProxyAndCreditsTheBuyer() throws Exception {
        String buyer = user("buyer");
        long before = balance(buyer);
        long credits = client.buyWithStripe(buyer, STRIPE_SECRET);
        await().atMost(Duration.ofSeconds(30)).until(() -> balance(buyer) == before + credits);
    }

    @Test
    void serverSentEventsArriveAsTheyHappenNotWhenTheStreamEnds() throws Exception {
        String user = user("watcher");
        HttpResponse<String> submitted = post("/jobs", user, Map.of("Idempotency-Key", UUID.randomUUID().toString()),
                "{\"type\":\"text_to_image\",\"prompt\":\"a lighthouse through the gateway\",\"quality\":\"standard\"}");
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String jobId = JSON.readTree(submitted.body()).get("id").asText();

        List<String> events = new CopyOnWriteArrayList<>();
        HttpRequest stream = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/jobs/" + jobId + "/events"))
                .header("Authorization", TestTokens.bearer(user, "user")).header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> response = HTTP.send(stream, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> readLines(response.body(), events));

        // The job is still running, so the stream is open: QUEUED must already be through nginx.
        await().atMost(Duration.ofSeconds(20)).until(() -> events.stream().anyMatch(e -> e.contains("QUEUED")));
        assertThat(reading).isNotDone();

        completeThroughTheGateway(UUID.fromString(jobId));
        await().atMost(Duration.ofSeconds(20)).until(() -> events.stream().anyMatch(e -> e.contains("COMPLETED")));
        reading.get(20, TimeUnit.SECONDS); // the stream ends at the terminal state
    }

    @Test
    void theServiceSeesTheClientAddressNotTheGateways() throws Exception {
        // One address spends the per-address submit budget (different users, so no per-user limit is involved),
        // all inside one minute window: the budget is per window, so a boundary mid-loop would refill it.
        RateLimitWindows.awaitRoomFor(Duration.ofSeconds(20), Duration.ofMinutes(1));
        LoopbackHttp busy = new LoopbackHttp("127.0.0.2", gateway.port());
        for (int i = 0; i < JOBS_PER_IP; i++) {
            assertThat(submitFrom(busy, user("nat-" + i), null).status()).isEqualTo(202);
        }
        LoopbackHttp.Answer refused = submitFrom(busy, user("nat-over"), null);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body()).contains("rate-limited");
        assertThat(refused.header("Retry-After")).isNotNull();

        // Another address still has its own budget: the service did not see everyone as the gateway.
        assertThat(submitFrom(new LoopbackHttp("127.0.0.3", gateway.port()), user("elsewhere"), null).status()).isEqualTo(202);
        // A client cannot borrow someone else's budget by claiming an address: the gateway overwrites the header.
        LoopbackHttp.Answer spoofed = submitFrom(new LoopbackHttp("127.0.0.4", gateway.port()), user("spoofer"), "127.0.0.2");
        assertThat(spoofed.status()).isEqualTo(202);
    }

    @Test
    void behindATrustedProxyEachClientIsTheAddressTheProxySaw() throws Exception {
        RateLimitWindows.awaitRoomFor(Duration.ofSeconds(20), Duration.ofMinutes(1));
        LoopbackHttp proxy = new LoopbackHttp(TRUSTED_PROXY, gateway.port());
        for (int i = 0; i < JOBS_PER_IP; i++) {
            assertThat(submitFrom(proxy, user("proxied-" + i), "203.0.113.7").status()).isEqualTo(202);
        }
        // The client behind the proxy has spent its budget; another client behind the same proxy has its own.
        assertThat(submitFrom(proxy, user("proxied-over"), "203.0.113.7").status()).isEqualTo(429);
        assertThat(submitFrom(proxy, user("proxied-other"), "203.0.113.8").status()).isEqualTo(202);
    }

    @Test
    void aBodyOverOneMegabyteIsRefusedAtTheEdgeAsProblemJson() throws Exception {
        String huge = "{\"prompt\":\"" + "x".repeat(1_100_000) + "\"}";
        HttpResponse<String> answer = post("/jobs", user("huge"), Map.of("Idempotency-Key", UUID.randomUUID().toString()), huge);
        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JSON.readTree(answer.body()).get("status").asInt()).isEqualTo(413);
    }

    @Test
    void theEdgeRateLimitAnswers429ProblemJsonWithRetryAfter() throws Exception {
        LoopbackHttp flood = new LoopbackHttp("127.0.0.9", gateway.port());
        Map<String, String> auth = Map.of("Authorization", TestTokens.bearer(user("flooder"), "user"));
        LoopbackHttp.Answer limited = null;
        for (int i = 0; i < 200 && limited == null; i++) {
            LoopbackHttp.Answer answer = flood.send("GET", "/credits/gift-types", auth, null);
            if (answer.status() == 429) {
                limited = answer;
            } else {
                assertThat(answer.status()).isEqualTo(200);
            }
        }
        assertThat(limited).as("a 429 within 200 requests at full speed (limit 20/s, burst 20)").isNotNull();
        assertThat(limited.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(limited.header("Retry-After")).isEqualTo("1");
        assertThat(limited.body()).contains("\"status\":429");
    }

    /**
     * The paths the Kubernetes probes ask answer on every running service, on the gateway and on the console (started
     * here on its own: its probes answer without its identity provider, which this test does not run).
     */
    @Test
    void theProbePathsOfTheManifestsAnswerOnEveryServiceTheConsoleAndTheGateway() throws Exception {
        Map<String, String> consoleEnvironment = new HashMap<>(Map.of(
                "TALLY_CONSOLE_OIDC_URL", "http://127.0.0.1:9/realms/none",
                "TALLY_CONSOLE_OIDC_SECRET", UUID.randomUUID().toString()));
        SERVICES.forEach((name, process) -> consoleEnvironment.put("TALLY_" + name.toUpperCase() + "_URL",
                process.baseUrl()));
        try (ServiceProcess console = ServiceProcess.start("console", consoleEnvironment, "/console/q/health/ready")) {
            KustomizeRender prod = KustomizeRender.of("prod");
            for (Map<String, Object> deployment : prod.ofKind("Deployment")) {
                Map<String, Object> container = KubernetesManifestsTest.firstContainer(deployment);
                String name = KustomizeRender.name(deployment);
                String baseUrl = switch (name) {
                    case "tally-gateway" -> gateway.baseUrl();
                    case "console" -> console.baseUrl();
                    default -> SERVICES.get(name.replace("-service", "")).baseUrl();
                };
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    String path = YamlDocuments.string(container, probe, "httpGet", "path");
                    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(answer.statusCode()).as("%s %s of %s", probe, path, name).isEqualTo(200);
                }
            }
        }
    }

    private static LoopbackHttp.Answer submitFrom(LoopbackHttp client, String user, String claimedAddress) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", TestTokens.bearer(user, "user"));
        headers.put("Idempotency-Key", UUID.randomUUID().toString());
        headers.put("Content-Type", "application/json");
        if (claimedAddress != null) {
            headers.put("X-Forwarded-For", claimedAddress);
        }
        return client.send("POST", "/jobs", headers,
                "{\"type\":\"text_to_image\",\"prompt\":\"from an address\",\"quality\":\"standard\"}");
    }

    /** Claims through the gateway (completing whatever else is queued) until this job is claimed, then completes it. */
    private static void completeThroughTheGateway(UUID jobId) {
        String worker = TestTokens.token("gateway-worker", "worker");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode claimed = JSON.readTree(postWithToken("/worker/jobs/claim", worker,
                    "{\"limit\":50,\"leaseSeconds\":60,\"waitSeconds\":1}").body()).get("jobs");
            boolean found = false;
            for (JsonNode item : claimed) {
                String id = item.get("job").get("id").asText();
                HttpResponse<String> done = postWithToken("/worker/jobs/" + id + "/complete", worker,
                        "{\"leaseToken\":\"" + item.get("leaseToken").asText() + "\",\"resultUrl\":\"https://cdn.example/" + id + ".png\"}");
                assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
                found |= id.equals(jobId.toString());
            }
            return found;
        });
    }

    private static void readLines(InputStream body, List<String> into) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                into.add(line);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long balance(String user) throws Exception {
        return client.balance(user);
    }

    private static String user(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static HttpResponse<String> get(String path, String user) throws Exception {
        return client.get(path, user);
    }

    private static HttpResponse<String> post(String path, String user, Map<String, String> headers, String body) throws Exception {
        return client.post(path, user, headers, body);
    }

    private static HttpResponse<String> postWithToken(String path, String token, String body) throws Exception {
        return client.postWithToken(path, token, body);
    }
}
