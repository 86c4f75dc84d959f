package io.tally.deploy;

import static io.tally.deploy.KubernetesManifestsTest.apiDeployments;
import static io.tally.deploy.KubernetesManifestsTest.render;
import static io.tally.deploy.KustomizeRender.selects;
import static io.tally.deploy.YamlDocuments.map;
import static io.tally.deploy.YamlDocuments.maps;
import static io.tally.deploy.YamlDocuments.string;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.common.testing.RepositoryRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * k8s/components/monitoring against what the services export: the PodMonitor scrapes every service, and every
 * Tally metric the alerts and the dashboard query is one a service registers, so a renamed metric cannot leave a
 * silent panel or an alert that never fires.
 */
class MonitoringTest {

    private static final Path COMPONENT = RepositoryRoot.resolve("k8s/components/monitoring");
    private static final Pattern QUERIED = Pattern.compile("\\btally_[a-z_]+");
    private static final Pattern REGISTERED = Pattern.compile("\"(tally(?:\\.[a-z]+)+)\"");

    @Test
    void thePodMonitorScrapesEveryServiceOnItsMetricsPath() {
        KustomizeRender prod = render("prod");
        Map<String, Object> monitor = prod.named("PodMonitor", "tally-services");
        assertThat(monitor).isNotNull();
        for (Map<String, Object> deployment : apiDeployments(prod)) {
            assertThat(selects(map(monitor, "spec", "selector", "matchLabels"),
                    map(deployment, "spec", "template", "metadata", "labels"))).isTrue();
        }
        assertThat(maps(monitor, "spec", "podMetricsEndpoints")).singleElement().satisfies(endpoint -> {
            assertThat(string(endpoint, "port")).isEqualTo("http");
            assertThat(string(endpoint, "path")).isEqualTo("/q/metrics");
        });
        assertThat(prod.named("ConfigMap", "tally-grafana-dashboard")).isNotNull();
        assertThat(prod.named("PrometheusRule", "tally")).isNotNull();
    }

    @Test
    void everyTallyMetricTheAlertsAndTheDashboardQueryIsRegisteredByAService() throws IOException {
        Set<String> registered = registeredMetrics();
        JsonNode dashboard = new ObjectMapper().readTree(COMPONENT.resolve("tally-dashboard.json").toFile());
        assertThat(dashboard.get("panels")).isNotEmpty().allSatisfy(panel -> assertThat(panel.get("targets")).isNotEmpty());
        Set<String> queried = new TreeSet<>();
        for (String file : new String[] {"alerts.yaml", "tally-dashboard.json"}) {
            Matcher matcher = QUERIED.matcher(Files.readString(COMPONENT.resolve(file)));
            while (matcher.find()) {
                queried.add(matcher.group());
            }
        }
        assertThat(queried).isNotEmpty().allSatisfy(metric -> {
            String series = metric.replaceAll("_(total|count|sum|bucket|max)$", "");
            assertThat(registered)
                    .as("%s is registered by a service (Prometheus names: dots become _, counters end in _total, "
                            + "timers in _seconds_count, _seconds_sum and _seconds_max)", metric)
                    .containsAnyOf(series, series.replaceAll("_seconds$", ""));
        });

        // The runbooks' signals are all on the dashboard or alerted on.
        Matcher runbooks = QUERIED.matcher(Files.readString(RepositoryRoot.resolve("docs/operations.md")));
        while (runbooks.find()) {
            assertThat(queried).as("docs/operations.md names %s", runbooks.group()).contains(runbooks.group());
        }
    }

    private static Set<String> registeredMetrics() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String module : new String[] {"common", "credits-service", "jobs-service", "payments-service", "presence-service"}) {
            try (Stream<Path> sources = Files.walk(RepositoryRoot.resolve(module).resolve("src/main/java"))) {
                for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher matcher = REGISTERED.matcher(Files.readString(source));
                    while (matcher.find()) {
                        names.add(matcher.group(1).replace('.', '_'));
                    }
                }
            }
        }
        return names;
    }
}
