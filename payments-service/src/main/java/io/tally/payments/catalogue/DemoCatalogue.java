package io.tally.payments.catalogue;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.tally.payments.config.PaymentsConfig;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The demo catalogue {@code ./dev up} loads (tally.payments.demo-catalogue=true): packages that do not exist
 * yet are inserted, existing ones are left as an admin may have changed them.
 */
@ApplicationScoped
public class DemoCatalogue {

    private static final Logger LOG = Logger.getLogger(DemoCatalogue.class);

    static final List<CreditPackage> PACKAGES = List.of(
            new CreditPackage("thb-trial", "Trial", 1, 0, 0, "THB", 0, true, 10),
            new CreditPackage("thb-starter", "Starter", 3, 0, 99_00, "THB", 0, true, 20),
            new CreditPackage("thb-popular", "Popular", 10, 0, 299_00, "THB", 10, true, 30),
            new CreditPackage("thb-pro", "Pro", 25, 0, 699_00, "THB", 15, true, 40),
            new CreditPackage("thb-business", "Business", 50, 0, 1_299_00, "THB", 20, true, 50),
            new CreditPackage("thb-enterprise", "Enterprise", 100, 0, 2_399_00, "THB", 25, true, 60),
            new CreditPackage("usd-starter", "Starter", 100, 0, 9_99, "USD", 0, true, 10),
            new CreditPackage("usd-creator", "Creator", 500, 0, 39_99, "USD", 0, true, 20),
            new CreditPackage("usd-pro", "Pro", 1_500, 0, 99_99, "USD", 0, true, 30),
            new CreditPackage("usd-enterprise", "Enterprise", 5_000, 0, 299_99, "USD", 0, true, 40));

    private final PaymentsConfig config;
    private final PackageRepository packages;
    private final Pool pool;

    public DemoCatalogue(PaymentsConfig config, PackageRepository packages, Pool pool) {
        this.config = config;
        this.packages = packages;
        this.pool = pool;
    }

    void onStart(@Observes StartupEvent start) {
        if (!config.demoCatalogue()) {
            return;
        }
        long added = Multi.createFrom().iterable(PACKAGES)
                .onItem().transformToUniAndConcatenate(p -> packages.insert(pool, p))
                .filter(Boolean::booleanValue)
                .collect().asList()
                .await().atMost(Duration.ofSeconds(30)).size();
        LOG.infof("Demo catalogue: %d of %d packages added", added, PACKAGES.size());
    }
}
