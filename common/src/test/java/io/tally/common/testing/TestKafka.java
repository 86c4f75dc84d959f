package io.tally.common.testing;

import io.tally.common.events.CloudEventHeaders;
import io.tally.common.events.EventTypes;
import io.tally.common.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;

/** Raw access to the test broker, for tests that play a producer or inspect a topic. */
public final class TestKafka {

    private TestKafka() {
    }

    /** The test broker (see {@link TestInfrastructure}). */
    public static String bootstrapServers() {
        return TestInfrastructure.kafkaBootstrapServers();
    }

    /** A client of the test broker as its super user, {@code admin}: tests play any producer and read any topic. */
    public static Properties adminClient() {
        return client("admin", TestInfrastructure.kafkaAdminPassword());
    }

    /** A client of the test broker authenticated as the given user (SCRAM-SHA-512, as the services connect). */
    public static Properties client(String user, String password) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        props.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        props.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"" + user + "\" password=\"" + password + "\";");
        return props;
    }

    /** Sends one record as the admin user and waits for the broker's acknowledgement. */
    public static void send(String topic, Integer partition, String key, String value, Map<String, String> headers) {
        Properties props = adminClient();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, partition, key, value);
            headers.forEach((name, v) -> record.headers().add(name, v.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("send to " + topic + " failed", e.getCause());
        }
    }

    /**
     * The CloudEvents binary-mode headers the service that owns {@code type} would set (mutable, so a test can
     * break the envelope, or forge it, on purpose).
     */
    public static Map<String, String> cloudEventHeaders(String eventId, String type) {
        Map<String, String> headers = new HashMap<>();
        headers.put(CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
        headers.put(CloudEventHeaders.ID, eventId);
        headers.put(CloudEventHeaders.TYPE, type);
        // The source of the service that owns the type, as the consumers verify (EventProvenance).
        String owner = EventTypes.byName(type).flatMap(known -> Topics.ownerOf(known.topic()))
                .orElseThrow(() -> new IllegalArgumentException("not a catalogued event type: " + type));
        headers.put(CloudEventHeaders.SOURCE, CloudEventHeaders.sourceOf(owner));
        return headers;
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
