package io.tally.deploy;

import static io.tally.deploy.KubernetesManifestsTest.firstContainer;
import static io.tally.deploy.KubernetesManifestsTest.render;
import static io.tally.deploy.KustomizeRender.name;
import static io.tally.deploy.YamlDocuments.at;
import static io.tally.deploy.YamlDocuments.map;
import static io.tally.deploy.YamlDocuments.maps;
import static io.tally.deploy.YamlDocuments.string;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.common.testing.RepositoryRoot;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the rendered overlays promise at their autoscalers' maximum and during a rollout: the database connections
 * fit, every consumer has a partition, a stopping pod drains within its grace period, and prod's ledger database is
 * replicated synchronously and backed up.
 */
class KubernetesCapacityTest {

    /** Connections kept free for migrations' second connection, the operators, backups and a human with psql. */
    static final int HEADROOM = 20;
    /** Besides its pool, a replica holds a LISTEN connection (PgNotifications) and, while starting, Flyway's. */
    static final int CONNECTIONS_BESIDES_THE_POOL = 2;
    /** The replica leading a service's outbox relay holds one more, its own (RelayLeadership); the others hold none. */
    static final int RELAY_LEADER_CONNECTIONS = 1;

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyReplicaTheAutoscalersMayStartFitsInMaxConnections(String overlay) {
        KustomizeRender render = render(overlay);
        Map<String, Object> parameters = map(render.ofKind("Cluster").get(0), "spec", "postgresql", "parameters");
        int available = Integer.parseInt(parameters.get("max_connections").toString())
                - Integer.parseInt(parameters.get("superuser_reserved_connections").toString()) - HEADROOM;
        int pool = Integer.parseInt(string(render.named("ConfigMap", "tally-config"), "data", "TALLY_DB_POOL_SIZE"));
        int needed = 0;
        StringBuilder arithmetic = new StringBuilder();
        for (String service : ServiceSettings.SERVICES) {
            Map<String, Object> deployment = render.named("Deployment", service + "-service");
            assertThat(maps(firstContainer(deployment), "env")).as("no per-Deployment pool size overrides the budget's")
                    .noneMatch(variable -> "TALLY_DB_POOL_SIZE".equals(variable.get("name")));
            int replicas = maxReplicas(render, service) + (Integer) at(deployment, "spec", "strategy", "rollingUpdate", "maxSurge");
            needed += replicas * (pool + CONNECTIONS_BESIDES_THE_POOL) + RELAY_LEADER_CONNECTIONS;
            arithmetic.append(String.format("%s: %d pods × (%d + %d) + %d; ", service, replicas, pool,
                    CONNECTIONS_BESIDES_THE_POOL, RELAY_LEADER_CONNECTIONS));
        }
        System.out.printf("%s connection budget: %s= %d of %d available%n", overlay, arithmetic, needed, available);
        assertThat(needed).as("%s: %s", overlay, arithmetic).isLessThanOrEqualTo(available);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyConsumerReplicaCanOwnAPartition(String overlay) {
        KustomizeRender render = render(overlay);
        for (String service : ServiceSettings.SERVICES) {
            for (String topic : ServiceSettings.of(service).consumedTopics()) {
                Map<String, Object> kafkaTopic = render.ofKind("KafkaTopic").stream()
                        .filter(t -> topic.equals(string(t, "spec", "topicName"))).findFirst().orElseThrow();
                assertThat((Integer) at(kafkaTopic, "spec", "partitions")).as("partitions of %s, consumed by %s", topic, service)
                        .isGreaterThanOrEqualTo(maxReplicas(render, service));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void autoscaledDeploymentsRollOutWithoutLosingCapacityAndDrainWithinTheirGracePeriod(String overlay)
            throws IOException {
        Duration shutdownTimeout = Duration.parse("PT" + sharedConfiguration().getProperty("quarkus.shutdown.timeout").toUpperCase());
        for (Map<String, Object> deployment : render(overlay).ofKind("Deployment")) {
            Map<String, Object> spec = map(deployment, "spec");
            assertThat(spec).as("%s: the autoscaler owns the replica count", name(deployment)).doesNotContainKey("replicas");
            assertThat(at(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable")).isEqualTo(0);
            assertThat(maps(deployment, "spec", "template", "spec", "topologySpreadConstraints"))
                    .extracting(c -> c.get("topologyKey")).contains("kubernetes.io/hostname", "topology.kubernetes.io/zone");
            List<?> preStop = (List<?>) at(firstContainer(deployment), "lifecycle", "preStop", "exec", "command");
            assertThat(preStop).as("preStop of %s", name(deployment)).hasSize(2).first().isEqualTo("sleep");
            long drain = Long.parseLong(preStop.get(1).toString()) + shutdownTimeout.toSeconds();
            assertThat((Integer) at(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds"))
                    .as("grace period of %s vs preStop + quarkus.shutdown.timeout", name(deployment))
                    .isGreaterThan((int) drain);
        }
    }

    @Test
    void prodCommitsWaitForAStandbyAndTheLedgerIsBackedUpContinuously() {
        KustomizeRender prod = render("prod");
        Map<String, Object> cluster = prod.ofKind("Cluster").get(0);
        assertThat((Integer) at(cluster, "spec", "instances")).isGreaterThanOrEqualTo(3);
        assertThat((Integer) at(cluster, "spec", "postgresql", "synchronous", "number")).isGreaterThanOrEqualTo(1);
        assertThat(string(cluster, "spec", "postgresql", "synchronous", "dataDurability")).isEqualTo("required");
        Map<String, Object> plugin = maps(cluster, "spec", "plugins").stream()
                .filter(p -> "barman-cloud.cloudnative-pg.io".equals(p.get("name"))).findFirst().orElseThrow();
        assertThat(plugin.get("isWALArchiver")).isEqualTo(true);
        assertThat(prod.named("ObjectStore", string(plugin, "parameters", "barmanObjectName"))).isNotNull();
        assertThat(map(cluster, "spec")).as("the deprecated in-tree backup").doesNotContainKey("backup");
        Map<String, Object> scheduled = prod.ofKind("ScheduledBackup").get(0);
        assertThat(string(scheduled, "spec", "cluster", "name")).isEqualTo(name(cluster));
        assertThat(string(scheduled, "spec", "method")).isEqualTo("plugin");
        assertThat(string(scheduled, "spec", "schedule").split(" ")).as("six-field cron, seconds first").hasSize(6);
    }

    private static int maxReplicas(KustomizeRender render, String service) {
        return (Integer) at(render.named("HorizontalPodAutoscaler", service + "-service"), "spec", "maxReplicas");
    }

    private static Properties sharedConfiguration() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(
                RepositoryRoot.resolve("common/src/main/resources/META-INF/microprofile-config.properties"))) {
            properties.load(reader);
        }
        return properties;
    }
}
