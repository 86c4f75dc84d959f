package io.tally.e2e;

import io.tally.common.testing.ServiceProcess;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The four packaged services (the jars ./dev up runs) as separate OS processes on the test database and broker,
 * with timings short enough for a test's patience. A service can be killed like {@code kill -9} and started again;
 * clients ask {@link #url} on every call, because a restarted service listens on a new port.
 */
final class Stack implements AutoCloseable {

    static final List<String> SERVICES = List.of("credits", "jobs", "payments", "presence");
    static final String STRIPE_SECRET = "whsec_e2e_stripe";
    static final int PRESENCE_TIMEOUT_SECONDS = 3;

    /** What each service gets on top of ServiceProcess' test environment. */
    private static final Map<String, Map<String, String>> ENVIRONMENT = Map.of(
            "credits", Map.of(),
            "jobs", Map.of(
                    "TALLY_JOBS_SAGA_TIMEOUT", "3s", "TALLY_JOBS_SAGA_SWEEP_EVERY", "1s",
                    "TALLY_JOBS_RETRY_BASE_DELAY", "200ms", "TALLY_JOBS_RETRY_MAX_DELAY", "1s",
                    "TALLY_JOBS_QUEUE_LEASE_SWEEP_EVERY", "250ms", "TALLY_JOBS_QUEUE_MAX_RUNNING_PER_USER", "20",
                    // every simulated client comes from 127.0.0.1: the per-IP limit would only measure the test
                    "TALLY_JOBS_RATE_LIMIT_PER_IP", "1000000", "TALLY_JOBS_RATE_LIMIT_PER_USER", "100000"),
            "payments", Map.of("TALLY_STRIPE_WEBHOOK_SECRETS", STRIPE_SECRET, "TALLY_STRIPE_LIVEMODE", "false",
                    "TALLY_PAYMENTS_DEMO_CATALOGUE", "true"),
            "presence", Map.of("TALLY_PRESENCE_TIMEOUT", PRESENCE_TIMEOUT_SECONDS + "s",
                    "TALLY_PRESENCE_SWEEP_EVERY", "500ms", "TALLY_PRESENCE_FLUSH_EVERY", "200ms",
                    "TALLY_PRESENCE_MIN_HEARTBEAT_INTERVAL", "200ms", "TALLY_PRESENCE_HEARTBEAT_WRITE_EVERY", "1s"));

    /** What every service gets: where to export its traces. */
    private final Map<String, String> shared;
    private final Map<String, ServiceProcess> running = new ConcurrentHashMap<>();
    /** Every process this stack started, killed ones too: their logs still count. */
    private final List<ServiceProcess> started = new CopyOnWriteArrayList<>();

    private Stack(Map<String, String> shared) {
        this.shared = shared;
    }

    static Stack start(Map<String, String> shared) {
        Stack stack = new Stack(shared);
        CompletableFuture.allOf(SERVICES.stream()
                .map(service -> CompletableFuture.runAsync(() -> stack.startService(service)))
                .toArray(CompletableFuture[]::new)).join();
        return stack;
    }

    String url(String service) {
        ServiceProcess process = running.get(service);
        if (process == null) {
            throw new IllegalStateException(service + " is not running");
        }
        return process.baseUrl();
    }

    /**
     * kill -9, then a fresh process of the same jar (migrations, consumers and relay start over). It is waited for
     * until live, not ready or started: a process that has never reached Kafka reports neither (SmallRye's
     * messaging checks), yet it serves HTTP and keeps its events in the outbox, and clients retry meanwhile anyway.
     */
    void killAndRestart(String service) {
        kill(service);
        track(service, ServiceProcess.start(service + "-service", environment(service), "/q/health/live"));
    }

    void kill(String service) {
        ServiceProcess process = running.remove(service);
        if (process != null) {
            process.kill();
        }
    }

    void startService(String service) {
        track(service, ServiceProcess.start(service + "-service", environment(service)));
    }

    private Map<String, String> environment(String service) {
        Map<String, String> environment = new HashMap<>(shared);
        environment.putAll(ENVIRONMENT.get(service));
        return environment;
    }

    private void track(String service, ServiceProcess process) {
        started.add(process);
        running.put(service, process);
    }

    /** What any process of this stack logged as an uncaught exception (see ServiceProcess#uncaughtExceptions). */
    List<String> uncaughtExceptions() {
        return started.stream().flatMap(process -> process.uncaughtExceptions().stream()).toList();
    }

    @Override
    public void close() {
        running.values().forEach(ServiceProcess::close);
        running.clear();
    }
}
