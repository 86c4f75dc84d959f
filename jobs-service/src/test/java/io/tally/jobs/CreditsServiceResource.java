package io.tally.jobs;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tally.common.testing.ServiceProcess;
import java.util.Map;

/** The saga partner, for real: the packaged credits-service, as its own process on the test database and broker. */
public class CreditsServiceResource implements QuarkusTestResourceLifecycleManager {

    static volatile String baseUrl;
    private ServiceProcess credits;

    @Override
    public Map<String, String> start() {
        credits = ServiceProcess.start("credits-service", Map.of());
        baseUrl = credits.baseUrl();
        return Map.of();
    }

    @Override
    public void stop() {
        if (credits != null) {
            credits.close();
        }
    }
}
