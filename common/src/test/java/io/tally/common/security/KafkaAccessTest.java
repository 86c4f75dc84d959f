package io.tally.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tally.common.events.Topics;
import io.tally.common.testing.TestInfrastructure;
import io.tally.common.testing.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The test broker enforces what dev-support/kafka/access.conf grants, with the credentials ./dev made for each
 * service: a service may produce to its own topic only, read what it subscribes to in its own group, and nobody
 * connects without a valid SCRAM login. A compromised jobs-service pod cannot announce a payment.
 */
class KafkaAccessTest {

    private static final String JOBS = "tally-jobs";

    @Test
    void jobsServiceMayPublishItsOwnEventsButNotAPayment() throws Exception {
        try (KafkaProducer<String, String> producer = producer(TestKafka.client(JOBS, jobsPassword()))) {
            // Its dead-letter topic, which no service consumes: the record disturbs nobody.
            RecordMetadata own = producer.send(new ProducerRecord<>(Topics.deadLetter("jobs"), "access-test", "{}"))
                    .get(30, TimeUnit.SECONDS);
            assertThat(own.topic()).isEqualTo(Topics.deadLetter("jobs"));

            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.PAYMENTS, "access-test",
                    "{\"type\":\"PaymentConfirmed\"}")).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining(Topics.PAYMENTS);
        }
    }

    @Test
    void jobsServiceReadsOnlyWhatItSubscribesToAndOnlyInItsOwnGroup() {
        try (KafkaConsumer<String, String> consumer = consumer(JOBS, jobsPassword(), "jobs-service")) {
            consumer.subscribe(List.of(Topics.PAYMENTS));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                    .isInstanceOf(TopicAuthorizationException.class).hasMessageContaining(Topics.PAYMENTS);
        }
        try (KafkaConsumer<String, String> consumer = consumer(JOBS, jobsPassword(), "credits-service")) {
            consumer.subscribe(List.of(Topics.CREDITS));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
                    .isInstanceOf(GroupAuthorizationException.class);
        }
    }

    @Test
    void aWrongPasswordIsRefusedAtLogin() {
        Properties wrong = TestKafka.client(JOBS, "not-" + jobsPassword());
        try (Admin admin = Admin.create(withShortTimeouts(wrong))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .cause().isInstanceOf(SaslAuthenticationException.class);
        }
    }

    /** A client without SASL is cut off before it learns anything: not even the cluster's brokers. */
    @Test
    void anUnauthenticatedClientCannotConnect() {
        Properties anonymous = new Properties();
        anonymous.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        try (Admin admin = Admin.create(withShortTimeouts(anonymous))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
    }

    private static String jobsPassword() {
        return TestInfrastructure.kafkaPassword("jobs");
    }

    private static Properties withShortTimeouts(Properties props) {
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        return props;
    }

    private static KafkaProducer<String, String> producer(Properties props) {
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String user, String password, String group) {
        Properties props = TestKafka.client(user, password);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "access-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }
}
