package io.tally.common.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The partner of jobs' saga and of payments' grants, for real: the packaged credits-service, as its own process on
 * the test database and broker.
 */
public class CreditsServiceResource implements QuarkusTestResourceLifecycleManager {

    private static volatile String baseUrl;
    private ServiceProcess credits;

    @Override
    public Map<String, String> start() {
        credits = ServiceProcess.start("credits-service", Map.of());
        baseUrl = credits.baseUrl();
        return Map.of();
    }

    /** Where the running credits-service listens. */
    public static String baseUrl() {
        return baseUrl;
    }

    @Override
    public void stop() {
        if (credits != null) {
            credits.close();
        }
    }
}
