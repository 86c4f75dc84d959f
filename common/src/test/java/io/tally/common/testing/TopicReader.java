package io.tally.common.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic from the beginning, as an outside observer (no consumer group), accumulating records
 * across polls. Tests filter by their own keys, so records of other tests do not disturb them.
 */
public final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> records = new ArrayList<>();

    public TopicReader(String topic) {
        Properties props = TestKafka.adminClient();
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls once more and returns everything read so far that matches. */
    public synchronized List<ConsumerRecord<String, String>> matching(Predicate<ConsumerRecord<String, String>> filter) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return records.stream().filter(filter).toList();
    }

    /**
     * Reads on until every record the topic held when called has been read, then returns everything read that
     * matches: an exact count of what is on the topic, with no waiting for records that may never come.
     */
    public synchronized List<ConsumerRecord<String, String>> allMatching(Predicate<ConsumerRecord<String, String>> filter,
                                                                         Duration atMost) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        long deadline = System.nanoTime() + atMost.toNanos();
        while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("did not read to the end of the topic within " + atMost);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records.stream().filter(filter).toList();
    }

    public List<ConsumerRecord<String, String>> withKey(String key) {
        return matching(record -> key.equals(record.key()));
    }

    @Override
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
