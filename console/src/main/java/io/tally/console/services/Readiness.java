package io.tally.console.services;

import jakarta.enterprise.context.ApplicationScoped;
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

/** Each service's readiness check (/q/health/ready: its database answers), asked the way Kubernetes asks it. */
@ApplicationScoped
public class Readiness {

    public record Service(String name, String url, boolean ready, String status) {
    }

    private static final List<String> SERVICES = List.of("credits", "jobs", "payments", "presence");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, String> urls = new TreeMap<>();

    public Readiness(Config config) {
        for (String service : SERVICES) {
            urls.put(service, config.getValue("quarkus.rest-client." + service + ".url", String.class));
        }
    }

    public List<Service> check() {
        List<Service> services = new ArrayList<>();
        urls.forEach((name, url) -> services.add(ask(name, url)));
        return services;
    }

    private Service ask(String name, String url) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding());
            boolean ready = response.statusCode() == 200;
            return new Service(name, url, ready, ready ? "ready" : "not ready (" + response.statusCode() + ")");
        } catch (java.io.IOException e) {
            return new Service(name, url, false, "not reachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Service(name, url, false, "not asked (interrupted)");
        }
    }
}
