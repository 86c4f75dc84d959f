package io.tally.bench.scenarios;

import io.tally.bench.BenchContext;
import io.tally.bench.Http;
import io.tally.bench.LoadGenerator;
import io.tally.bench.LoadResult;
import io.tally.bench.PgBench;
import io.tally.bench.Psql;
import io.tally.bench.Scenario;
import io.tally.bench.ScenarioResult;
import io.tally.bench.StackCpu;
import io.tally.bench.Tokens;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Charges of 15 credits through {@code POST /credits/charges}, against 10,000 users ("spread") or one user
 * ("hot"), compared in the same run with the classic row-locking plpgsql charge driven by pgbench on the same
 * PostgreSQL at the same concurrency. {@code ratio} = Tally ÷ baseline.
 */
public final class CreditsChargeScenario implements Scenario {

    private static final int SPREAD_USERS = 10_000;
    private static final long AMOUNT = 15;
    /** The planner's row estimate (the bench role may read the catalogue, not the credits schema). */
    private static final String LEDGER_SIZE_ESTIMATE = """
            SELECT greatest(c.reltuples, 0)::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'credits' AND c.relname = 'ledger_transactions'
            """;

    private final boolean hot;

    public CreditsChargeScenario(boolean hot) {
        this.hot = hot;
    }

    @Override
    public String name() {
        return hot ? "credits-charge-hot" : "credits-charge-spread";
    }

    @Override
    public String description() {
        return hot ? "charges on one account via the API vs the plpgsql baseline (target ≥ 5×)"
                : "charges over 10,000 accounts via the API vs the plpgsql baseline (target ≥ 1.0×)";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        Duration duration = context.duration(Duration.ofSeconds(20));
        int concurrency = context.intOption("concurrency", 64);
        String credits = context.env().getOrDefault("TALLY_CREDITS_URL", "http://127.0.0.1:8081");
        int users = hot ? 1 : SPREAD_USERS;

        StackCpu stack = StackCpu.of(context);
        StackCpu.Window baselineWindow = stack.start();
        PgBench.Result baseline = runBaseline(context, concurrency, duration);
        double baselineCpu = baselineWindow.stopWhenQuiet().postgresMicrosPerOp(baseline.tps() * duration.toSeconds());
        System.out.printf("baseline (pgbench, %d clients): %.0f charges/s, latency avg %.2f ms, %.0f µs of CPU each%n",
                concurrency, baseline.tps(), baseline.latencyAverageMillis(), baselineCpu);

        String run = UUID.randomUUID().toString().substring(0, 8);
        Tokens.Signer tokens = Tokens.signer(context);
        String serviceToken = tokens.issue("bench-jobs-backend", "service");
        String adminToken = tokens.issue("bench-admin", "admin");
        try (Http http = new Http(concurrency)) {
            fund(http, credits, adminToken, run, users);
            Supplier<CompletionStage<?>> charge = () -> {
                String user = "bench-" + run + "-" + (hot ? 0 : ThreadLocalRandom.current().nextInt(users));
                JsonObject body = new JsonObject().put("jobId", UUID.randomUUID().toString())
                        .put("userId", user).put("amount", AMOUNT);
                return http.post(credits + "/credits/charges", serviceToken, body);
            };
            // Unmeasured warm-up: the JIT goes on compiling the charge path for a while after start-up (over a
            // minute on a slow day), so the measurement starts once the rate has stopped climbing.
            Duration warmUp = LoadGenerator.warmUpUntilSteady(concurrency,
                    Duration.ofSeconds(context.intOption("warmup", 10)),
                    Duration.ofSeconds(context.intOption("max-warmup", 90)), Duration.ofSeconds(5), 0.05, charge);
            StackCpu.Window window = stack.start();
            LoadResult load = LoadGenerator.closedLoop(concurrency, duration, charge);
            StackCpu.Cost cost = window.stopWhenQuiet();
            double ratio = load.throughputPerSecond() / baseline.tps();
            // The baseline's tables are recreated for every run; Tally's ledger keeps what every earlier run wrote.
            // Its size goes on the RESULT line: on a ledger grown to millions of transactions the same code charges
            // more slowly (docs/credits.md), so a ratio only compares with others measured on a similar ledger.
            long ledgerSize = Psql.queryLong(context, LEDGER_SIZE_ESTIMATE);
            return cost.addTo(new ScenarioResult(name(), load.throughputPerSecond(), load.percentileMillis(50),
                    load.percentileMillis(99), load.errors(), Map.of()), load.completed())
                    .with("baseline_per_s", baseline.tps())
                    .with("baseline_cpu_us_per_op", baselineCpu)
                    .with("ratio", ratio)
                    .with("concurrency", concurrency)
                    .with("accounts", users)
                    .with("charges", load.completed())
                    .with("warmup_s", warmUp.toSeconds())
                    .with("ledger_transactions_est", ledgerSize)
                    .with("target_ratio", hot ? 5.0 : 1.0);
        }
    }

    private PgBench.Result runBaseline(BenchContext context, int clients, Duration duration) throws Exception {
        String setup = resource("/baseline/charge_baseline.sql");
        Psql.execute(context, setup);
        String script = (hot ? "\\set uid 1\n" : "\\set uid random(1, " + SPREAD_USERS + ")\n")
                + "SELECT atomic_charge_credits(:uid, " + AMOUNT + ");\n";
        return PgBench.run(context, script, clients, duration);
    }

    /** Opens and funds the run's accounts, so no charge is refused for lack of credits. */
    private void fund(Http http, String credits, String adminToken, String run, int users) {
        List<String> names = java.util.stream.IntStream.range(0, users).mapToObj(i -> "bench-" + run + "-" + i).toList();
        CreditsFunding.fund(http, credits, adminToken, names, hot ? 1_000_000_000L : 1_000_000L);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = CreditsChargeScenario.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
