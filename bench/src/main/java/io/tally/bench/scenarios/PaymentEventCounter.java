package io.tally.bench.scenarios;

import io.tally.bench.BenchContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Counts, from the moment it starts, the PaymentConfirmed (payments' topic) and CreditsGranted (credits' topic)
 * events per payment id: the proof that each payment was confirmed and granted exactly once.
 */
final class PaymentEventCounter implements AutoCloseable {

    private static final String CONFIRMED = "tally.payments.confirmed.v1";
    private static final String GRANTED = "tally.credits.granted.v1";

    private final Map<String, AtomicInteger> confirmations = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> grants = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private PaymentEventCounter(KafkaConsumer<String, String> consumer) {
        this.thread = new Thread(() -> {
            try (consumer) {
                while (running.get()) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                        count(record);
                    }
                }
            }
        }, "payment-event-counter");
        thread.start();
    }

    static PaymentEventCounter start(BenchContext context) {
        Properties props = context.kafkaClient();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of("tally.payments.events", "tally.credits.events")) {
            consumer.partitionsFor(topic, Duration.ofSeconds(10))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return new PaymentEventCounter(consumer);
    }

    private void count(ConsumerRecord<String, String> record) {
        Header type = record.headers().lastHeader("ce_type");
        if (type == null) {
            return;
        }
        String name = new String(type.value(), StandardCharsets.UTF_8);
        Map<String, AtomicInteger> counts = CONFIRMED.equals(name) ? confirmations : GRANTED.equals(name) ? grants : null;
        if (counts == null) {
            return;
        }
        // A plain search, not a JSON parse: the counter shares the machine with the stack it measures.
        String value = record.value();
        int at = value.indexOf("\"paymentId\":\"");
        if (at < 0) {
            throw new IllegalStateException("event without paymentId: " + value);
        }
        int start = at + "\"paymentId\":\"".length();
        String paymentId = value.substring(start, value.indexOf('"', start));
        counts.computeIfAbsent(paymentId, id -> new AtomicInteger()).incrementAndGet();
    }

    /** Waits until every payment has its grant, then a little longer so a late second grant would be seen. */
    Counts awaitAll(List<String> paymentIds, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !paymentIds.stream().allMatch(grants::containsKey)) {
            Thread.sleep(200);
        }
        Thread.sleep(3_000);
        return new Counts(Map.copyOf(confirmations), Map.copyOf(grants));
    }

    record Counts(Map<String, AtomicInteger> confirmations, Map<String, AtomicInteger> grants) {

        boolean exactlyOnce(List<String> ids) {
            return ids.stream().allMatch(id -> count(confirmations, id) == 1 && count(grants, id) == 1);
        }

        String confirmationSummary(List<String> ids) {
            return summary(confirmations, ids);
        }

        String grantSummary(List<String> ids) {
            return summary(grants, ids);
        }

        private static String summary(Map<String, AtomicInteger> counts, List<String> ids) {
            long none = ids.stream().filter(id -> count(counts, id) == 0).count();
            long once = ids.stream().filter(id -> count(counts, id) == 1).count();
            return once + " once, " + none + " missing, " + (ids.size() - once - none) + " more than once";
        }

        private static int count(Map<String, AtomicInteger> counts, String id) {
            AtomicInteger count = counts.get(id);
            return count == null ? 0 : count.get();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join();
    }
}
