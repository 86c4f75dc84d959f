package io.tally.common.db;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigMapping;
import io.tally.common.ServiceConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

/**
 * Brings the service's schema up to date with Flyway before anything else starts: the observer runs ahead of
 * the Kafka consumers, the scheduler and the outbox relay, which all use the tables. Where a step before the
 * service migrates instead ({@link MigrateSchema}), tally.migrations.at-start is false and the service never holds
 * the owner's password.
 *
 * <p>Flyway runs here on a plain JDBC connection rather than through the quarkus-flyway extension because that
 * extension brings a JDBC pool and a JTA transaction manager. Everything else talks to PostgreSQL through the
 * reactive client, and the JTA context provider alone kept SmallRye Context Propagation off its fast path: every
 * Mutiny operator on every request captured and restored a transaction context nobody used.
 */
@ApplicationScoped
public class SchemaMigrations {

    private static final Logger LOG = Logger.getLogger(SchemaMigrations.class);

    /** Where the migrations are, whether to run them, and the role that runs them. */
    @ConfigMapping(prefix = "tally.migrations")
    public interface Config {
        /** Classpath folders, applied as one sequence of versions (db/common,db/migration). */
        List<String> locations();

        /** Off where something else migrates the schema before the service starts. */
        boolean atStart();

        /** The schema's owner role, which migrates (TALLY_DB_OWNER_USER); the service runs as another. */
        String username();

        /** Its password (TALLY_DB_OWNER_PASSWORD). */
        String password();
    }

    void migrateAtStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, Config config,
                        ServiceConfig service,
                        @ConfigProperty(name = "tally.db.host") String host,
                        @ConfigProperty(name = "tally.db.port") int port,
                        @ConfigProperty(name = "tally.db.name") String database,
                        @ConfigProperty(name = "quarkus.datasource.username") String runtimeRole) {
        if (!config.atStart()) {
            return;
        }
        MigrateResult result = new SchemaMigration(SchemaMigration.jdbcUrl(host, port, database), config.username(),
                config.password(), service.name(), runtimeRole, config.locations()).run(getClass().getClassLoader());
        LOG.infof("Schema %s is at version %s (%d migrations applied now)", service.name(),
                SchemaMigration.versionAfter(result), result.migrationsExecuted);
    }

}
