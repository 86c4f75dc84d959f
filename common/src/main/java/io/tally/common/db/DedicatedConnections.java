package io.tally.common.db;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.config.Config;

/**
 * Connections a service holds outside its pool (the LISTEN connection, the outbox relay's), opened with the pool's
 * settings: its URL, its role and {@code quarkus.datasource.reactive.additional-properties} (search_path, the lock,
 * statement and idle-in-transaction timeouts), so that such a connection behaves like a pooled one. A TLS setting
 * travels in the URL ({@code ?sslmode=verify-full}), which both read.
 */
@ApplicationScoped
public class DedicatedConnections {

    private static final String SESSION_SETTINGS = "quarkus.datasource.reactive.additional-properties.";

    private final Vertx vertx;
    private final String url;
    private final String user;
    private final String password;
    private final Map<String, String> sessionSettings = new TreeMap<>();

    public DedicatedConnections(Vertx vertx, Config config) {
        this.vertx = vertx;
        this.url = config.getValue("quarkus.datasource.reactive.url", String.class)
                .replaceFirst("^vertx-reactive:", "");
        this.user = config.getOptionalValue("quarkus.datasource.username", String.class).orElse(null);
        this.password = config.getOptionalValue("quarkus.datasource.password", String.class).orElse(null);
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(SESSION_SETTINGS)) {
                sessionSettings.put(name.substring(SESSION_SETTINGS.length()), config.getValue(name, String.class));
            }
        }
    }

    /** The pool's settings, in a new object the caller may change. */
    public PgConnectOptions options() {
        PgConnectOptions options = PgConnectOptions.fromUri(url);
        if (user != null) {
            options.setUser(user);
        }
        if (password != null) {
            options.setPassword(password);
        }
        sessionSettings.forEach(options::addProperty);
        return options;
    }

    /** A new connection with the pool's settings, and {@code settings} for its session on top of them. */
    public Uni<PgConnection> open(Map<String, String> settings) {
        PgConnectOptions options = options();
        settings.forEach(options::addProperty);
        return PgConnection.connect(vertx, options);
    }
}
