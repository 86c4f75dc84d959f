package io.tally.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.common.testing.GatewayTemplate;
import io.tally.common.testing.RepositoryRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml without a Docker engine: parsed and checked against what the services read, what the gateway
 * template needs and what .env.example offers; and `docker compose config` where a compose binary exists.
 */
class ComposeFileTest {

    private static final Path COMPOSE_FILE = RepositoryRoot.resolve("docker-compose.yml");
    private static final Path ENV_EXAMPLE = RepositoryRoot.resolve(".env.example");
    private static final Pattern INTERPOLATION = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?][^}]*)?}");
    private static final Pattern DEFAULT_VALUE = Pattern.compile("\\$\\{[A-Za-z0-9_]+:-([^}]*)}");

    private final Map<String, Object> compose = YamlDocuments.parse(COMPOSE_FILE);
    private final Map<String, Object> services = YamlDocuments.map(compose, "services");

    @Test
    void everyServiceGetsTheEnvironmentItsConfigurationNeeds() {
        for (String name : ServiceSettings.SERVICES) {
            ServiceSettings settings = ServiceSettings.of(name);
            Map<String, Object> environment = environment(settings.module());
            assertThat(environment.keySet()).as("environment of %s", settings.module())
                    .containsAll(settings.requiredEnvironment());
            assertThat(environment.keySet()).as("variables set for %s that it does not read", settings.module())
                    .allSatisfy(variable -> assertThat(settings.reads(variable)).as(variable).isTrue());
            assertThat(environment.get("QUARKUS_HTTP_PORT")).as("port of %s", settings.module())
                    .isEqualTo(Integer.toString(settings.httpPort()));
        }
        ServiceSettings console = ServiceSettings.console();
        Map<String, Object> environment = environment("console");
        assertThat(environment.keySet()).as("environment of the console").containsAll(console.requiredEnvironment());
        assertThat(environment.keySet()).as("variables set for the console that it does not read")
                .allSatisfy(variable -> assertThat(console.reads(variable)).as(variable).isTrue());
        assertThat(environment.get("TALLY_CONSOLE_PORT")).isEqualTo(Integer.toString(console.httpPort()));
        for (String service : ServiceSettings.SERVICES) {
            ServiceSettings settings = ServiceSettings.of(service);
            assertThat(environment.get("TALLY_" + service.toUpperCase() + "_URL")).as("the console's %s", service)
                    .isEqualTo("http://" + settings.module() + ":" + settings.httpPort());
        }
        assertThat(environment.keySet()).as("the console holds no database or Kafka credential")
                .noneMatch(variable -> variable.startsWith("TALLY_DB_") || variable.startsWith("TALLY_KAFKA"));
    }

    @Test
    void everyDependencyNamesAServiceAndWaitsForItsHealth() {
        for (Map.Entry<String, Object> service : services.entrySet()) {
            Map<String, Object> dependsOn = YamlDocuments.map(YamlDocuments.asMap(service.getValue(), service.getKey()),
                    "depends_on");
            for (Map.Entry<String, Object> dependency : dependsOn.entrySet()) {
                assertThat(services).as("%s depends on %s", service.getKey(), dependency.getKey())
                        .containsKey(dependency.getKey());
                String condition = YamlDocuments.string(YamlDocuments.asMap(dependency.getValue(), "condition"),
                        "condition");
                assertThat(condition).isIn("service_healthy", "service_completed_successfully");
                if (condition.equals("service_healthy")) {
                    assertThat(YamlDocuments.map(service(dependency.getKey()), "healthcheck"))
                            .as("%s waits for the health of %s, which has no healthcheck", service.getKey(),
                                    dependency.getKey())
                            .containsKey("test");
                }
            }
        }
    }

    /** docs/architecture.md, "Trust": a service never holds the password of the role that may change its schema. */
    @Test
    void eachServiceRunsAsItsRuntimeRoleOnceItsOwnerMigratedTheSchema() {
        for (String name : ServiceSettings.SERVICES) {
            String module = name + "-service";
            Map<String, Object> migrate = service(name + "-migrate");
            assertThat(migrate.get("entrypoint").toString()).as("%s-migrate", name)
                    .contains("io.tally.common.db.MigrateSchema");
            assertThat(migrate.get("image")).as("%s-migrate runs the service's own image", name)
                    .isEqualTo(service(module).get("image"));
            assertThat(YamlDocuments.string(migrate, "restart")).isEqualTo("no");
            Map<String, Object> migrateEnvironment = environment(name + "-migrate");
            assertThat(migrateEnvironment).containsEntry("TALLY_DB_OWNER_USER", "tally_" + name + "_owner")
                    .containsEntry("TALLY_DB_USER", "tally_" + name);
            assertThat(migrateEnvironment.get("TALLY_DB_OWNER_PASSWORD").toString())
                    .startsWith("${" + name.toUpperCase() + "_DB_OWNER_PASSWORD:?");

            Map<String, Object> environment = environment(module);
            assertThat(environment).containsEntry("TALLY_DB_USER", "tally_" + name)
                    .containsEntry("TALLY_MIGRATIONS_AT_START", "false");
            assertThat(environment.keySet()).as("%s holds no owner credential", module)
                    .noneMatch(variable -> variable.contains("OWNER"));
            Map<String, Object> dependency = YamlDocuments.asMap(
                    YamlDocuments.map(service(module), "depends_on").get(name + "-migrate"), module + " → migrate");
            assertThat(dependency).containsEntry("condition", "service_completed_successfully");
        }
        assertThat(volumes("postgres"))
                .contains("./dev-support/postgres/service-schema.sql:/opt/tally/postgres/service-schema.sql:ro");
    }

    @Test
    void longRunningContainersHaveHealthChecksAndRestartPolicies() {
        for (String name : List.of("postgres", "kafka", "credits-service", "jobs-service", "payments-service",
                "presence-service", "console", "gateway")) {
            assertThat(YamlDocuments.map(service(name), "healthcheck")).as("healthcheck of %s", name).containsKey("test");
            assertThat(YamlDocuments.string(service(name), "restart")).as("restart policy of %s", name)
                    .isEqualTo("unless-stopped");
        }
        assertThat(YamlDocuments.string(service("kafka-setup"), "restart")).isEqualTo("no");
    }

    @Test
    void publishedHostPortsDoNotClash() {
        List<String> published = new ArrayList<>();
        for (String name : services.keySet()) {
            Object ports = service(name).get("ports");
            if (ports instanceof List<?> list) {
                for (Object port : list) {
                    published.add(hostPort(withDefaults(port.toString())));
                }
            }
        }
        assertThat(published).isNotEmpty().doesNotHaveDuplicates();
    }

    @Test
    void theGatewayGetsEveryTemplateVariableAndItsUpstreamsExist() {
        GatewayTemplate template = GatewayTemplate.read();
        Map<String, Object> environment = YamlDocuments.map(service("gateway"), "environment");
        assertThat(environment.keySet()).containsAll(template.variables());
        for (String name : ServiceSettings.SERVICES) {
            ServiceSettings settings = ServiceSettings.of(name);
            String upstream = environment.get("TALLY_" + name.toUpperCase() + "_UPSTREAM").toString();
            assertThat(upstream).isEqualTo(settings.module() + ":" + settings.httpPort());
            assertThat(services).containsKey(settings.module());
        }
        ServiceSettings console = ServiceSettings.console();
        assertThat(environment.get("TALLY_CONSOLE_UPSTREAM")).isEqualTo("console:" + console.httpPort());
        assertThat(YamlDocuments.map(service("gateway"), "build").get("context")).isEqualTo("./gateway");
        assertThat(RepositoryRoot.resolve("gateway/Dockerfile")).content().contains("COPY templates/ /etc/nginx/templates/");
    }

    @Test
    void filesTheComposeFileNamesExist() {
        for (String name : services.keySet()) {
            Map<String, Object> build = YamlDocuments.map(service(name), "build");
            if (!build.isEmpty()) {
                Path context = RepositoryRoot.resolve(build.get("context").toString());
                String dockerfile = build.getOrDefault("dockerfile", "Dockerfile").toString();
                assertThat(context.resolve(dockerfile).normalize()).as("Dockerfile of %s", name)
                        .isRegularFile();
            }
            for (String volume : volumes(name)) {
                if (volume.startsWith("./")) {
                    assertThat(RepositoryRoot.resolve(volume.split(":")[0])).as("bind mount of %s", name).exists();
                }
            }
        }
        // The broker and its set-up job run the scripts ./dev runs, on topics.conf and access.conf.
        assertThat(volumes("kafka")).contains("./dev-support/kafka:/opt/tally/kafka:ro");
        assertThat(volumes("kafka-setup")).contains("./dev-support/kafka:/opt/tally/kafka:ro");
    }

    @Test
    void noSecretIsWrittenInTheComposeFile() {
        for (String name : services.keySet()) {
            for (Map.Entry<String, Object> variable : YamlDocuments.map(service(name), "environment").entrySet()) {
                if (variable.getKey().matches(".*(PASSWORD|SECRET|SECRETS)$")) {
                    assertThat(variable.getValue().toString()).as("%s of %s", variable.getKey(), name)
                            .startsWith("${");
                }
            }
        }
    }

    @Test
    void envExampleListsEveryVariableTheComposeFileReads() throws IOException {
        Set<String> offered = envExample().keySet();
        Set<String> read = new TreeSet<>();
        Matcher matcher = INTERPOLATION.matcher(Files.readString(COMPOSE_FILE));
        while (matcher.find()) {
            read.add(matcher.group(1));
        }
        assertThat(read).isNotEmpty();
        assertThat(offered).containsAll(read);
        assertThat(envExample()).as("no real secret committed in .env.example")
                .allSatisfy((name, value) -> {
                    if (name.matches(".*(PASSWORD|SECRETS?)$")) {
                        assertThat(value).isEmpty();
                    }
                });
    }

    /** Debian's docker-compose 1.x passes a nested default (${A:-${B}}) on as the literal text "${B}". */
    @Test
    void noInterpolationIsNested() throws IOException {
        assertThat(Files.readAllLines(COMPOSE_FILE)).filteredOn(line -> !line.strip().startsWith("#"))
                .noneMatch(line -> line.matches(".*\\$\\{[^}]*\\$\\{.*"));
    }

    /** The real parser (the compose plugin, or Debian's docker-compose; ./dev test installs one). */
    @Test
    void composeConfigAcceptsTheFile() throws Exception {
        List<String> command = Docker.composeCommand();
        Path project = Files.createTempDirectory("tally-compose");
        Files.copy(COMPOSE_FILE, project.resolve("docker-compose.yml"));
        Path key = Files.writeString(project.resolve("jwt-public.pem"), "placeholder");
        StringBuilder env = new StringBuilder();
        envExample().forEach((name, value) -> env.append(name).append('=')
                .append(value.isEmpty() ? "test-value" : value).append('\n'));
        env.append("TALLY_JWT_PUBLIC_KEY_FILE=").append(key).append('\n');
        Files.writeString(project.resolve(".env"), env);
        for (String dir : List.of("credits-service/target/quarkus-app", "jobs-service/target/quarkus-app",
                "payments-service/target/quarkus-app", "presence-service/target/quarkus-app",
                "console/target/quarkus-app", "docker",
                "gateway", "compose/postgres-init", "dev-support/kafka", "dev-support/postgres")) {
            Files.createDirectories(project.resolve(dir));
        }
        List<String> full = new ArrayList<>(command);
        full.addAll(List.of("config", "-q"));
        Process process = new ProcessBuilder(full).directory(project.toFile()).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.exitValue()).as("%s config -q said: %s", command, output).isZero();
    }

    private Map<String, Object> service(String name) {
        return YamlDocuments.asMap(services.get(name), "service " + name);
    }

    private Map<String, Object> environment(String name) {
        return YamlDocuments.map(service(name), "environment");
    }

    private List<String> volumes(String name) {
        Object volumes = service(name).get("volumes");
        return volumes instanceof List<?> list ? list.stream().map(Object::toString).toList() : List.of();
    }

    private static Map<String, String> envExample() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(ENV_EXAMPLE)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int equals = line.indexOf('=');
                values.put(line.substring(0, equals).strip(), line.substring(equals + 1).strip());
            }
        }
        return values;
    }

    /** "127.0.0.1:8081:8081" → "127.0.0.1:8081"; "8080:8080" → "0.0.0.0:8080". */
    private static String hostPort(String mapping) {
        String[] parts = mapping.split(":");
        return parts.length == 3 ? parts[0] + ":" + parts[1] : "0.0.0.0:" + parts[0];
    }

    private static String withDefaults(String value) {
        return DEFAULT_VALUE.matcher(value).replaceAll("$1");
    }
}
