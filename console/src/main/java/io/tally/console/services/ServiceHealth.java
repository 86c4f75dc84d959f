package io.tally.console.services;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.config.Config;

/**
 * Each service as its platform sees it: the readiness check Kubernetes asks (/q/health/ready: its database answers)
 * and, from its Prometheus metrics (/q/metrics), the outbox backlog, the age of its oldest unpublished event, its
 * consumers' lag and its dead letters (docs/operations.md, "Runbooks").
 */
@ApplicationScoped
public class ServiceHealth {

    /** One service; a figure the service did not report is null (a service that is down reports none). */
    public record Service(String name, String url, boolean ready, String status, Double outboxBacklog,
                          Double oldestUnpublishedSeconds, Double consumerLag, Double deadLettered) {
    }

    private static final List<String> SERVICES = List.of("credits", "jobs", "payments", "presence");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, String> urls = new TreeMap<>();

    public ServiceHealth(Config config) {
        for (String service : SERVICES) {
            urls.put(service, config.getValue("quarkus.rest-client." + service + ".url", String.class));
        }
    }

    public List<Service> check() {
        List<Service> services = new ArrayList<>();
        urls.forEach((name, url) -> services.add(ask(name, url)));
        return services;
    }

    /** One service's figures: {@code name} is one of credits, jobs, payments, presence. */
    public Service check(String name) {
        return ask(name, urls.get(name));
    }

    private Service ask(String name, String url) {
        try {
            HttpResponse<Void> readiness = http.send(get(url + "/q/health/ready"), HttpResponse.BodyHandlers.discarding());
            boolean ready = readiness.statusCode() == 200;
            String status = ready ? "ready" : "not ready (" + readiness.statusCode() + ")";
            HttpResponse<String> metrics = http.send(get(url + "/q/metrics"), HttpResponse.BodyHandlers.ofString());
            if (metrics.statusCode() != 200) {
                return new Service(name, url, ready, status, null, null, null, null);
            }
            PrometheusText text = PrometheusText.parse(metrics.body());
            return new Service(name, url, ready, status, text.sum("tally_outbox_backlog", Map.of()),
                    text.max("tally_outbox_oldest_age_seconds", Map.of()),
                    text.max("kafka_consumer_fetch_manager_records_lag_max", Map.of()),
                    deadLettered(text));
        } catch (IOException e) {
            return new Service(name, url, false, "not reachable", null, null, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Service(name, url, false, "not asked (interrupted)", null, null, null, null);
        }
    }

    /** The counter is registered at the first dead letter: metrics without it mean none since the service started. */
    private static Double deadLettered(PrometheusText text) {
        Double counted = text.sum("tally_inbox_events_total", Map.of("outcome", "dead_lettered"));
        return counted == null ? 0.0 : counted;
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build();
    }
}
