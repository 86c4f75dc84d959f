package io.tally.bench.scenarios;

import io.tally.bench.BenchContext;
import io.tally.bench.Http;
import io.tally.bench.LoadGenerator;
import io.tally.bench.LoadResult;
import io.tally.bench.Scenario;
import io.tally.bench.ScenarioResult;
import io.tally.bench.StackCpu;
import io.tally.bench.Tokens;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed Stripe-format {@code payment_intent.succeeded} webhooks for many pending payments, 10 % of them delivered
 * twice at the same moment, as fast as the stack takes them. Afterwards every payment must have exactly one
 * PaymentConfirmed and exactly one CreditsGranted on Kafka ({@code exact=true}). A warm-up of {@code --warmup}
 * payments (default 20,000: after 5,000 the JIT still spent a third of the service's CPU compiling) goes first,
 * unmeasured; then {@code --rounds} (3) rounds of {@code --payments} (20,000) each, every round's payments checked
 * out before its deliveries start. The RESULT is the median round. Target (BRIEF §9): ≥ 2,000/s.
 */
public final class PaymentsWebhooksScenario implements Scenario {

    private static final String PACKAGE = "thb-popular";
    private static final long PRICE_MINOR = 299_00;

    @Override
    public String name() {
        return "payments-webhooks";
    }

    @Override
    public String description() {
        return "signed Stripe confirmations, 10 % sent twice concurrently: rate (≥ 2,000/s) and exactly one grant each";
    }

    /** One webhook to send: the payment it confirms and its signed body. */
    private record Webhook(String paymentId, byte[] body, Map<String, String> headers, boolean twice) {
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        String paymentsUrl = context.env().getOrDefault("TALLY_PAYMENTS_URL", "http://127.0.0.1:8083");
        String secret = context.env().get("TALLY_BENCH_STRIPE_SECRET");
        if (secret == null || secret.isBlank()) {
            throw new IllegalStateException("TALLY_BENCH_STRIPE_SECRET is not set; run through ./dev bench");
        }
        int count = context.intOption("payments", 20_000);
        int rounds = Math.max(1, context.intOption("rounds", 3));
        // Providers deliver in parallel over many connections; at 2,000/s with ~100 ms each that is hundreds.
        int concurrency = context.intOption("concurrency", 256);
        int users = context.intOption("users", 2_000);
        Tokens.Signer signer = Tokens.signer(context);
        try (Http http = new Http(concurrency);
             PaymentEventCounter counter = PaymentEventCounter.start(context)) {
            List<String> ids = new ArrayList<>();
            int warmup = context.intOption("warmup", 20_000);
            List<Webhook> warm = checkout(http, signer, paymentsUrl, secret, warmup, users);
            warm.forEach(webhook -> ids.add(webhook.paymentId()));
            // The first deliveries warm the JIT of every service on the path and are not measured (but checked).
            LoadGenerator.eachOnce(concurrency, warm, webhook -> deliver(http, paymentsUrl, webhook));

            List<Round> measured = new ArrayList<>();
            StackCpu stack = StackCpu.of(context);
            StackCpu.Cost cost = null;
            for (int round = 1; round <= rounds; round++) {
                List<Webhook> webhooks = checkout(http, signer, paymentsUrl, secret, count, users);
                webhooks.forEach(webhook -> ids.add(webhook.paymentId()));
                // Each round's cost runs until the stack is quiet: the grants it set off are credited meanwhile.
                StackCpu.Window window = stack.start();
                Round result = deliverAll(http, paymentsUrl, concurrency, webhooks);
                StackCpu.Cost roundCost = window.stopWhenQuiet();
                cost = cost == null ? roundCost : cost.plus(roundCost);
                System.out.printf("round %d: %d webhooks (%d payments, %d sent twice) in %.1f s: %.0f/s, p99 %.1f ms%n",
                        round, result.sent(), webhooks.size(), result.sent() - webhooks.size(), result.seconds(),
                        result.perSecond(), result.load().percentileMillis(99));
                measured.add(result);
            }

            PaymentEventCounter.Counts counts = counter.awaitAll(ids, Duration.ofMinutes(3));
            boolean exact = counts.exactlyOnce(ids);
            System.out.printf("confirmations: %s; grants: %s; exact=%s%n", counts.confirmationSummary(ids),
                    counts.grantSummary(ids), exact);
            // The median round is the figure: one round can catch a checkpoint or an autovacuum pass.
            Round median = measured.stream().sorted(Comparator.comparingDouble(Round::perSecond))
                    .toList().get(measured.size() / 2);
            return cost.addTo(new ScenarioResult(name(), median.perSecond(), median.load().percentileMillis(50),
                    median.load().percentileMillis(99), measured.stream().mapToLong(r -> r.load().errors()).sum(),
                    Map.of()), measured.stream().mapToLong(Round::sent).sum())
                    .with("rounds", measured.stream().map(r -> String.format("%.0f", r.perSecond()))
                            .collect(Collectors.joining("/")))
                    .with("webhooks", median.sent())
                    .with("payments", count)
                    .with("duplicates", median.sent() - count)
                    .with("warmup_payments", warmup)
                    .with("exact", exact)
                    .with("target_per_s", 2000);
        }
    }

    /** One measured round: what was sent, how long it took, and the latencies. */
    private record Round(long sent, double seconds, LoadResult load) {
        double perSecond() {
            return sent / seconds;
        }
    }

    private static Round deliverAll(Http http, String paymentsUrl, int concurrency, List<Webhook> webhooks) {
        Instant started = Instant.now();
        LoadResult load = LoadGenerator.eachOnce(concurrency, webhooks, webhook -> {
            CompletionStage<?> first = deliver(http, paymentsUrl, webhook);
            // The duplicate leaves at the same moment as the original: both race for the same payment.
            return webhook.twice() ? CompletableFuture.allOf(first.toCompletableFuture(),
                    deliver(http, paymentsUrl, webhook).toCompletableFuture()) : first;
        });
        double seconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        long sent = webhooks.size() + webhooks.stream().filter(Webhook::twice).count();
        return new Round(sent, seconds, load);
    }

    private static CompletionStage<?> deliver(Http http, String paymentsUrl, Webhook webhook) {
        return http.postBytes(paymentsUrl + "/webhooks/stripe", webhook.headers(), webhook.body());
    }

    /** Creates the pending payments through the API, as buyers would, and signs one confirmation for each. */
    private static List<Webhook> checkout(Http http, Tokens.Signer signer, String paymentsUrl, String secret, int count,
                                         int userCount) {
        List<String> users = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < userCount; i++) {
            users.add("bench-buyer-" + run + "-" + i);
            tokens.add(signer.issue(users.get(i), "user"));
        }
        List<Webhook> webhooks = Collections.synchronizedList(new ArrayList<>());
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            indexes.add(i);
        }
        Instant started = Instant.now();
        Http.inWaves(indexes, 64, i -> http.post(paymentsUrl + "/payments/checkout", tokens.get(i % userCount),
                        UUID.randomUUID().toString(), new JsonObject().put("packageCode", PACKAGE).put("provider", "stripe"))
                .thenAccept(response -> {
                    JsonObject payment = response.bodyAsJsonObject();
                    webhooks.add(signed(payment.getString("id"), payment.getString("reference"), secret, i % 10 == 0));
                }));
        System.out.printf("checked out %d payments in %.1f s%n", webhooks.size(),
                Duration.between(started, Instant.now()).toMillis() / 1000.0);
        Collections.shuffle(webhooks);
        return webhooks;
    }

    private static Webhook signed(String paymentId, String reference, String secret, boolean twice) {
        String intent = "pi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        long now = Instant.now().getEpochSecond();
        String body = "{\n  \"id\": \"evt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24) + "\",\n"
                + "  \"object\": \"event\",\n  \"api_version\": \"2025-10-29.clover\",\n  \"created\": " + now + ",\n"
                + "  \"data\": {\n    \"object\": {\n      \"id\": \"" + intent + "\",\n      \"object\": \"payment_intent\",\n"
                + "      \"amount\": " + PRICE_MINOR + ",\n      \"amount_received\": " + PRICE_MINOR + ",\n"
                + "      \"currency\": \"thb\",\n      \"metadata\": {\n        \"tally_reference\": \"" + reference + "\"\n"
                + "      },\n      \"status\": \"succeeded\"\n    }\n  },\n  \"livemode\": false,\n"
                + "  \"type\": \"payment_intent.succeeded\"\n}";
        return new Webhook(paymentId, body.getBytes(StandardCharsets.UTF_8),
                Map.of("Stripe-Signature", "t=" + now + ",v1=" + hmac(secret, now + "." + body),
                        "Content-Type", "application/json"), twice);
    }

    private static String hmac(String secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
