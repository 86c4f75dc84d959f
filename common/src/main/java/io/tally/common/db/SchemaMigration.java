package io.tally.common.db;

import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * One Flyway run over a service's schema, as the schema's owner role, the only role that may change it. The
 * afterMigrate callbacks then grant the service's runtime role the DML it needs (db/common's
 * afterMigrate__1_runtime_grants.sql, and any narrowing a service adds, such as the ledger's append-only tables),
 * so the role the service runs with can read and write rows but never alter, truncate or disable anything.
 *
 * <p>Shared by the two ways a schema is migrated: at service start ({@link SchemaMigrations}, ./dev and the tests)
 * and as a step before the service starts ({@link MigrateSchema}, the Kubernetes init container and compose's
 * one-shot jobs, which keep the owner's password out of the running service).
 *
 * @param jdbcUrl     the database, without a schema
 * @param owner       the owner role (tally_&lt;service&gt;_owner), and its password
 * @param schema      the service's schema (its name)
 * @param runtimeRole the role the service runs with (tally_&lt;service&gt;), given its grants
 * @param locations   classpath folders of the migrations, applied as one sequence of versions
 */
public record SchemaMigration(String jdbcUrl, String owner, String ownerPassword, String schema, String runtimeRole,
                              List<String> locations) {

    public MigrateResult run(ClassLoader classLoader) {
        return Flyway.configure(classLoader)
                .dataSource(jdbcUrl + "?currentSchema=" + schema, owner, ownerPassword)
                .schemas(schema)
                .locations(locations.stream().map(location -> "classpath:" + location).toArray(String[]::new))
                .placeholders(Map.of("runtime_role", runtimeRole))
                .load()
                .migrate();
    }

    static String jdbcUrl(String host, int port, String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The version the schema is at after the run, for the log. */
    static String versionAfter(MigrateResult result) {
        return result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
    }
}
