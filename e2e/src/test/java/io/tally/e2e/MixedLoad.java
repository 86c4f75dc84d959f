package io.tally.e2e;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A steady mix of what clients do — purchases, job submissions, gifts, viewers joining and leaving — plus a worker
 * fleet that runs the jobs, while a fault is injected. Clients behave as good clients do when a service is down or
 * answers 5xx: they retry the same request with the same Idempotency-Key (with a short backoff) until it is
 * answered, so every operation started eventually completes and the test can demand that it did.
 */
final class MixedLoad implements AutoCloseable {

    private static final Duration CLIENT_PATIENCE = Duration.ofSeconds(90);
    private static final Duration PACE = Duration.ofMillis(100);
    private static final Duration BACKOFF = Duration.ofMillis(250);

    private final Tally tally;
    private final AtomicBoolean clientsRunning = new AtomicBoolean(true);
    private final AtomicBoolean workersRunning = new AtomicBoolean(true);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Future<?>> clients = new ArrayList<>();
    private final List<Future<?>> workers = new ArrayList<>();

    /** Every job submitted, with its owner: the test waits until each has ended. */
    final Map<String, String> jobOwners = new ConcurrentHashMap<>();
    /** Every purchase confirmed, with its buyer: the test waits until each is credited. */
    final List<Tally.Purchase> purchases = new CopyOnWriteArrayList<>();
    final Map<String, String> purchaseBuyers = new ConcurrentHashMap<>();
    final AtomicLong operations = new AtomicLong();
    final AtomicLong retries = new AtomicLong();

    MixedLoad(Tally tally) {
        this.tally = tally;
    }

    static MixedLoad start(Tally tally) {
        MixedLoad load = new MixedLoad(tally);
        load.clients.add(load.threads.submit(load::purchases));
        load.clients.add(load.threads.submit(load::submissions));
        load.clients.add(load.threads.submit(load::submissions));
        load.clients.add(load.threads.submit(load::gifts));
        load.clients.add(load.threads.submit(load::viewers));
        for (int i = 0; i < 2; i++) {
            String worker = "fleet-worker-" + i;
            load.workers.add(load.threads.submit(() -> load.work(worker)));
        }
        return load;
    }

    /** Stops starting new operations; the ones begun finish first (their retries included). */
    void stopClients() throws Exception {
        clientsRunning.set(false);
        for (Future<?> client : clients) {
            client.get(CLIENT_PATIENCE.toSeconds() + 30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws Exception {
        clientsRunning.set(false);
        workersRunning.set(false);
        for (Future<?> worker : workers) {
            worker.get(60, TimeUnit.SECONDS);
        }
        threads.shutdownNow();
    }

    private Void purchases() {
        while (clientsRunning.get()) {
            buy(Tally.user("load-buyer"), "thb-popular");
            pause();
        }
        return null;
    }

    /** Checkout and the provider's confirmation, through whatever the faults do to the services. */
    private void buy(String buyer, String packageCode) {
        String key = Tally.newKey();
        Tally.Purchase purchase = retrying(() -> tally.checkout(buyer, packageCode, key));
        String confirmation = Tally.succeeded(purchase); // one provider event, however often delivered
        Api.Answer receipt = retryingAnswer(() -> tally.stripeWebhook(confirmation));
        if (receipt.status() != 200) {
            throw new AssertionError("confirmation refused: " + receipt.body());
        }
        purchases.add(purchase);
        purchaseBuyers.put(purchase.paymentId(), buyer);
        operations.incrementAndGet();
    }

    private Void submissions() {
        String user = Tally.user("load-creator");
        int submitted = 0;
        while (clientsRunning.get()) {
            if (++submitted % 20 == 0) {
                user = Tally.user("load-creator"); // a fresh 100-credit signup bonus
            }
            String owner = user;
            String key = Tally.newKey();
            String type = List.of("text_to_video", "image_to_video", "text_to_image").get(submitted % 3);
            Api.Answer answer = retryingAnswer(() -> tally.submit(owner, type, key));
            if (answer.status() == 202) {
                jobOwners.put(answer.json().get("id").asText(), owner);
                operations.incrementAndGet();
            }
            pause();
        }
        return null;
    }

    /** Fans buy 50 credits and send 50 roses: gifts are paid from purchased credits only, never the signup bonus. */
    private Void gifts() {
        String fan = Tally.user("load-fan");
        buy(fan, "thb-business");
        String streamer = Tally.user("load-streamer");
        int sent = 0;
        while (clientsRunning.get()) {
            if (++sent % 50 == 0) {
                fan = Tally.user("load-fan");
                buy(fan, "thb-business");
            }
            String sender = fan;
            String key = Tally.newKey();
            Api.Answer answer = retryingAnswer(() -> tally.api().post("credits", "/credits/gifts", Api.bearer(sender),
                    Map.of("recipientId", streamer, "giftType", "rose"), Map.of("Idempotency-Key", key)));
            if (answer.status() == 201) {
                operations.incrementAndGet();
            }
            pause();
        }
        return null;
    }

    private Void viewers() {
        String streamer = Tally.user("load-streamer");
        String box = retrying(() -> tally.createBox(streamer));
        while (clientsRunning.get()) {
            String viewer = Tally.user("load-viewer");
            String connection = retrying(() -> tally.join(viewer, box));
            pause();
            retryingAnswer(() -> tally.leave(viewer, box, connection));
            operations.addAndGet(2);
        }
        return null;
    }

    /** Claims, heartbeats once, completes (every tenth job fails once, retryably). Outages are waited out. */
    private Void work(String worker) {
        Map<String, Boolean> failedOnce = new ConcurrentHashMap<>();
        while (workersRunning.get()) {
            try {
                for (Tally.Claimed job : tally.claim(worker, 5, 10, 1)) {
                    tally.heartbeat(worker, job, 50);
                    if (job.jobId().hashCode() % 10 == 0 && failedOnce.putIfAbsent(job.jobId(), true) == null) {
                        tally.fail(worker, job, true);
                    } else {
                        tally.complete(worker, job);
                    }
                }
            } catch (RuntimeException unavailable) {
                // jobs-service is down or restarting: an expired lease is the sweep's business, not the worker's
                LockSupport.parkNanos(BACKOFF.toNanos());
            }
        }
        return null;
    }

    /** A request repeated (same key) until it is answered with anything but a transport error or a 5xx. */
    private Api.Answer retryingAnswer(Supplier<Api.Answer> request) {
        long deadline = System.nanoTime() + CLIENT_PATIENCE.toNanos();
        while (true) {
            try {
                Api.Answer answer = request.get();
                if (answer.status() < 500) {
                    return answer;
                }
            } catch (UncheckedIOException | IllegalStateException unavailable) {
                // connection refused while a service restarts
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("a client request got no answer within " + CLIENT_PATIENCE);
            }
            retries.incrementAndGet();
            LockSupport.parkNanos(BACKOFF.toNanos());
        }
    }

    /** Like {@link #retryingAnswer}, for a step that throws on an unexpected answer (e.g. a purchase). */
    private <T> T retrying(Supplier<T> step) {
        long deadline = System.nanoTime() + CLIENT_PATIENCE.toNanos();
        while (true) {
            try {
                return step.get();
            } catch (RuntimeException | AssertionError unavailable) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("a client step did not succeed within " + CLIENT_PATIENCE, unavailable);
                }
                retries.incrementAndGet();
                LockSupport.parkNanos(BACKOFF.toNanos());
            }
        }
    }

    private static void pause() {
        LockSupport.parkNanos(PACE.toNanos());
    }
}
