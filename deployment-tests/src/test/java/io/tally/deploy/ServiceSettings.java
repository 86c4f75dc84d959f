package io.tally.deploy;

import io.tally.common.testing.RepositoryRoot;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service reads from its environment, taken from the configuration files it is built with (tally-common's
 * shared defaults and the service's application.properties), so a new setting is checked the day it is added.
 *
 * <p>A deployment must supply a variable when its default cannot serve outside a developer's machine: there is no
 * default, the default is empty (the operator has to decide, e.g. webhook secrets), the default points at this
 * machine (127.0.0.1), or the default is the local development credential or issuer.
 */
record ServiceSettings(String service, String module, int httpPort, Set<String> requiredEnvironment,
                       Set<String> knownEnvironment) {

    static final List<String> SERVICES = List.of("credits", "jobs", "payments", "presence");
    private static final Path SHARED = RepositoryRoot.resolve("common/src/main/resources/META-INF/microprofile-config.properties");

    /** Defaults that only make sense locally: ./dev's roles, passwords, database name and token issuer. */
    private static final Set<String> LOCAL_DEVELOPMENT_DEFAULTS =
            Set.of("TALLY_DB_USER", "TALLY_DB_PASSWORD", "TALLY_DB_NAME", "TALLY_JWT_ISSUER");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");

    static ServiceSettings of(String service) {
        return read(service, service + "-service", List.of(load(SHARED)));
    }

    /** The operator console: its own application.properties only (it shares the services' code, not their settings). */
    static ServiceSettings console() {
        return read("console", "console", List.of());
    }

    private static ServiceSettings read(String service, String module, List<Properties> shared) {
        Properties own = load(RepositoryRoot.resolve(module + "/src/main/resources/application.properties"));
        Set<String> required = new TreeSet<>();
        Set<String> known = new TreeSet<>();
        List<Properties> all = new java.util.ArrayList<>(shared);
        all.add(own);
        for (Properties properties : all) {
            for (String key : properties.stringPropertyNames()) {
                if (key.startsWith("%")) {
                    continue; // a test or dev profile value, never used by a deployed service
                }
                String value = properties.getProperty(key);
                known.add(environmentName(key));
                Matcher reference = REFERENCE.matcher(value);
                boolean referencesEnvironment = false;
                while (reference.find()) {
                    referencesEnvironment = true;
                    String name = reference.group(1);
                    String fallback = reference.group(2);
                    known.add(name);
                    if (fallback == null || fallback.isBlank() || pointsAtThisMachine(fallback)
                            || LOCAL_DEVELOPMENT_DEFAULTS.contains(name)) {
                        required.add(name);
                    }
                }
                if (!referencesEnvironment && pointsAtThisMachine(value)) {
                    required.add(environmentName(key)); // e.g. kafka.bootstrap.servers → KAFKA_BOOTSTRAP_SERVERS
                }
            }
        }
        // A port given as ${VARIABLE:default} is the default's.
        Matcher port = REFERENCE.matcher(own.getProperty("quarkus.http.port"));
        int httpPort = Integer.parseInt(port.matches() ? port.group(2) : own.getProperty("quarkus.http.port"));
        return new ServiceSettings(service, module, httpPort, Set.copyOf(required), Set.copyOf(known));
    }

    /**
     * Whether the service reads {@code variable}: a setting of its configuration files, or any {@code KAFKA_*}
     * variable, which Quarkus passes to every Kafka client as the matching {@code kafka.*} setting (e.g.
     * KAFKA_SSL_TRUSTSTORE_LOCATION → ssl.truststore.location).
     */
    boolean reads(String variable) {
        return knownEnvironment.contains(variable) || variable.startsWith("KAFKA_");
    }

    /** The topics the service's incoming channels consume (mp.messaging.incoming.*.topic or .topics). */
    Set<String> consumedTopics() {
        Properties own = load(RepositoryRoot.resolve(module() + "/src/main/resources/application.properties"));
        Set<String> topics = new TreeSet<>();
        for (String key : own.stringPropertyNames()) {
            if (key.startsWith("mp.messaging.incoming.") && (key.endsWith(".topic") || key.endsWith(".topics"))) {
                for (String topic : own.getProperty(key).split(",")) {
                    topics.add(topic.strip());
                }
            }
        }
        return topics;
    }

    /** MicroProfile Config's environment form of a property name. */
    static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static boolean pointsAtThisMachine(String value) {
        return value.contains("127.0.0.1") || value.contains("localhost");
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        return properties;
    }
}
