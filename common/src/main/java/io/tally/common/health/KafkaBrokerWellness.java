package io.tally.common.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import io.smallrye.common.annotation.Identifier;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import io.smallrye.health.api.Wellness;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Whether the broker answers, on {@code /q/health/well}: for dashboards and alerts, deliberately not for readiness.
 * A service that cannot reach Kafka still serves reads and accepts writes (their events wait in the outbox), and
 * every replica shares the same broker, so taking replicas out of their Service during an outage would turn a
 * partial outage into a total one. The outbox's age (tally_outbox_oldest_age_seconds) says how long events wait.
 */
@Wellness
@ApplicationScoped
public class KafkaBrokerWellness implements AsyncHealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final Map<String, Object> brokerConfig;
    private volatile Admin admin;

    /** Quarkus' {@code kafka.*} settings: where the broker is and how this service authenticates. */
    public KafkaBrokerWellness(@Identifier("default-kafka-broker") Map<String, Object> brokerConfig) {
        this.brokerConfig = brokerConfig;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        DescribeClusterOptions options = new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis());
        return Uni.createFrom().completionStage(() -> admin().describeCluster(options).nodes().toCompletionStage())
                .map(nodes -> HealthCheckResponse.named("Kafka broker").status(!nodes.isEmpty())
                        .withData("brokers", nodes.size()).build())
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("Kafka broker").down()
                        .withData("error", e.getClass().getSimpleName()).build());
    }

    private Admin admin() {
        if (admin == null) {
            synchronized (this) {
                if (admin == null) {
                    Map<String, Object> config = new HashMap<>();
                    brokerConfig.forEach((key, value) -> {
                        if (AdminClientConfig.configNames().contains(key)) {
                            config.put(key, value);
                        }
                    });
                    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "tally-wellness");
                    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
                    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
                    admin = Admin.create(config);
                }
            }
        }
        return admin;
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
