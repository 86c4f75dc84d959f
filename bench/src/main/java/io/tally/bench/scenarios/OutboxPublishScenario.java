package io.tally.bench.scenarios;

import io.tally.bench.BenchContext;
import io.tally.bench.LoadGenerator;
import io.tally.bench.LoadResult;
import io.tally.bench.Scenario;
import io.tally.bench.ScenarioResult;
import io.tally.bench.StackCpu;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Outbox relay throughput, end to end: writers commit single-event transactions into credits-service's
 * outbox (as another replica of the service would, with a coalesced NOTIFY), the running service's relay
 * publishes them, and a Kafka consumer measures commit → consumed latency.
 */
public final class OutboxPublishScenario implements Scenario {

    private static final String TOPIC = "tally.bench.events";
    private static final String INSERT = """
            INSERT INTO outbox (event_id, topic, event_key, event_type, payload, occurred_at)
            VALUES ($1, $2, $3, 'tally.bench.ping.v1', $4::text::json, now())
            """;

    @Override
    public String name() {
        return "outbox-publish";
    }

    @Override
    public String description() {
        return "commit → Kafka latency and throughput of credits-service's outbox relay";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        Duration duration = context.duration(Duration.ofSeconds(20));
        int concurrency = context.intOption("concurrency", 16);
        String runId = UUID.randomUUID().toString().substring(0, 8);
        Vertx vertx = Vertx.vertx();
        Pool pool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(concurrency))
                .connectingTo(new PgConnectOptions().setHost(context.dbHost()).setPort(context.dbPort())
                        .setDatabase(context.dbName()).setUser("tally_credits").setPassword("tally_credits")
                        .addProperty("search_path", "credits"))
                .using(vertx).build();
        Recorder endToEnd = new Recorder(60_000_000L, 3);
        AtomicLong received = new AtomicLong();
        AtomicBoolean consuming = new AtomicBoolean(true);
        Thread consumer = startConsumer(context, runId, endToEnd, received, consuming);

        AtomicLong sequence = new AtomicLong();
        AtomicBoolean dirty = new AtomicBoolean();
        long notifier = vertx.setPeriodic(5, id -> {
            if (dirty.getAndSet(false)) {
                pool.query("SELECT pg_notify('tally_outbox_credits', '')").execute();
            }
        });
        System.out.printf("outbox-publish: %d writers for %s (run %s)%n", concurrency, duration, runId);
        StackCpu.Window window = StackCpu.of(context).start();
        long started = System.nanoTime();
        LoadResult writes = LoadGenerator.closedLoop(concurrency, duration, () -> {
            long seq = sequence.incrementAndGet();
            String payload = "{\"seq\":" + seq + ",\"sentAtMicros\":" + nowMicros() + "}";
            return pool.preparedQuery(INSERT)
                    .execute(Tuple.of(UUID.randomUUID(), TOPIC, runId + "-" + (seq % 1000), payload))
                    .onSuccess(rows -> dirty.set(true))
                    .toCompletionStage();
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (received.get() < writes.completed() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        long elapsed = System.nanoTime() - started;
        StackCpu.Cost cost = window.stopWhenQuiet();
        consuming.set(false);
        consumer.join();
        vertx.cancelTimer(notifier);
        pool.close();
        vertx.close();

        var latency = endToEnd.getIntervalHistogram();
        double throughput = received.get() / (elapsed / 1e9);
        long lost = Math.max(0, writes.completed() - received.get());
        return cost.addTo(new ScenarioResult(name(), throughput, latency.getValueAtPercentile(50) / 1000.0,
                latency.getValueAtPercentile(99) / 1000.0, writes.errors() + lost, Map.of()), received.get())
                .with("committed", writes.completed())
                .with("published", received.get())
                .with("commit_rate_per_s", writes.throughputPerSecond())
                .with("writers", concurrency);
    }

    private static Thread startConsumer(BenchContext context, String runId, Recorder latency, AtomicLong received,
                                        AtomicBoolean consuming) throws InterruptedException {
        Properties props = context.kafkaClient();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        Thread thread = new Thread(() -> {
            try (consumer) {
                while (consuming.get()) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                        if (record.key() != null && record.key().startsWith(runId)) {
                            long sent = Long.parseLong(record.value().replaceAll(".*\"sentAtMicros\":(\\d+).*", "$1"));
                            latency.recordValue(Math.max(1, Math.min(nowMicros() - sent, 60_000_000L)));
                            received.incrementAndGet();
                        }
                    }
                }
            }
        }, "outbox-bench-consumer");
        thread.start();
        return thread;
    }

    private static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }
}
