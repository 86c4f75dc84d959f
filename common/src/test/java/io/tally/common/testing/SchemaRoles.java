package io.tally.common.testing;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Connections to the service's schema as either of its two roles (docs/architecture.md, "Trust"), from the service's
 * own configuration: the runtime role it runs as (quarkus.datasource.*) and the owner that migrates
 * (tally.migrations.*). For tests that must show what each role may do, or break what only the owner could.
 */
public enum SchemaRoles {
    RUNTIME("quarkus.datasource.username", "quarkus.datasource.password"),
    OWNER("tally.migrations.username", "tally.migrations.password");

    private final String userProperty;
    private final String passwordProperty;

    SchemaRoles(String userProperty, String passwordProperty) {
        this.userProperty = userProperty;
        this.passwordProperty = passwordProperty;
    }

    /** A JDBC connection as this role, in the service's schema. */
    public Connection jdbc() {
        Config config = ConfigProvider.getConfig();
        String url = "jdbc:postgresql://" + config.getValue("tally.db.host", String.class) + ":"
                + config.getValue("tally.db.port", Integer.class) + "/" + config.getValue("tally.db.name", String.class)
                + "?currentSchema=" + config.getValue("tally.service.name", String.class);
        try {
            return DriverManager.getConnection(url, user(config), password(config));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect as " + user(config) + ": " + e.getMessage(), e);
        }
    }

    /** A one-connection reactive pool as this role; the caller closes it. */
    public Pool reactivePool(Vertx vertx) {
        Config config = ConfigProvider.getConfig();
        return Pool.newInstance(PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
                .connectingTo(new PgConnectOptions().setHost(config.getValue("tally.db.host", String.class))
                        .setPort(config.getValue("tally.db.port", Integer.class))
                        .setDatabase(config.getValue("tally.db.name", String.class))
                        .setUser(user(config)).setPassword(password(config)))
                .using(vertx.getDelegate()).build());
    }

    private String user(Config config) {
        return config.getValue(userProperty, String.class);
    }

    private String password(Config config) {
        return config.getValue(passwordProperty, String.class);
    }
}
