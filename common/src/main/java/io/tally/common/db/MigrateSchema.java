package io.tally.common.db;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.URL;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Migrates a service's schema and exits: the step that runs before the service where the service must not hold
 * the owner's password (the Kubernetes init container, compose's one-shot jobs). It reads the service's own
 * configuration (its application.properties and common's defaults, the environment overriding both, the prod
 * profile), so it takes the same TALLY_DB_* and TALLY_DB_OWNER_* variables as the service; no Quarkus starts.
 *
 * <p>In a service image: {@code java -cp '/deployments/lib/boot/*:/deployments/lib/main/*:/deployments/app/*'
 * io.tally.common.db.MigrateSchema}. Exit status 0 once the schema is current, 1 (with the cause) otherwise.
 */
public final class MigrateSchema {

    private MigrateSchema() {
    }

    public static void main(String[] args) {
        try {
            SmallRyeConfig config = configuration();
            String schema = config.getValue("tally.service.name", String.class);
            // Read by name, not through SchemaMigrations.Config: a config mapping's implementation is generated
            // when Quarkus builds the application, and no Quarkus runs here.
            SchemaMigration migration = new SchemaMigration(SchemaMigration.jdbcUrl(
                    config.getValue("tally.db.host", String.class), config.getValue("tally.db.port", Integer.class),
                    config.getValue("tally.db.name", String.class)),
                    config.getValue("tally.migrations.username", String.class),
                    config.getValue("tally.migrations.password", String.class), schema,
                    config.getValue("quarkus.datasource.username", String.class),
                    config.getValues("tally.migrations.locations", String.class));
            MigrateResult result = migration.run(MigrateSchema.class.getClassLoader());
            System.out.printf("Schema %s is at version %s (%d migrations applied now)%n", schema,
                    SchemaMigration.versionAfter(result), result.migrationsExecuted);
        } catch (RuntimeException | IOException e) {
            System.err.println("Migration failed: " + e);
            System.exit(1);
        }
    }

    private static SmallRyeConfig configuration() throws IOException {
        URL service = Thread.currentThread().getContextClassLoader().getResource("application.properties");
        if (service == null) {
            throw new IOException("no application.properties on the classpath: run this with a service's jars");
        }
        return new SmallRyeConfigBuilder()
                .addDefaultSources()
                .addDefaultInterceptors()
                // Above common's META-INF/microprofile-config.properties (100), below the environment (300).
                .withSources(new PropertiesConfigSource(service, 250))
                .withProfile("prod")
                .build();
    }
}
