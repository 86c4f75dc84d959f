package io.tally.deploy;

import static io.tally.deploy.KustomizeRender.name;
import static io.tally.deploy.KustomizeRender.selects;
import static io.tally.deploy.YamlDocuments.at;
import static io.tally.deploy.YamlDocuments.map;
import static io.tally.deploy.YamlDocuments.maps;
import static io.tally.deploy.YamlDocuments.string;
import static org.assertj.core.api.Assertions.assertThat;

import io.tally.common.events.Topics;
import io.tally.common.testing.GatewayTemplate;
import io.tally.common.testing.RepositoryRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/** k8s/ rendered per overlay and checked the way a cluster would find out, before any cluster is involved. */
class KubernetesManifestsTest {

    private static final Map<String, KustomizeRender> RENDERS = new ConcurrentHashMap<>();

    static KustomizeRender render(String overlay) {
        return RENDERS.computeIfAbsent(overlay, KustomizeRender::of);
    }

    @Test
    void everyManifestFileParses() throws IOException {
        try (Stream<Path> files = Files.walk(KustomizeRender.K8S)) {
            List<Path> yamlFiles = files.filter(f -> f.toString().endsWith(".yaml")).toList();
            assertThat(yamlFiles).hasSizeGreaterThan(10);
            for (Path file : yamlFiles) {
                for (Object document : new Yaml().loadAll(Files.readString(file))) {
                    if (document instanceof Map<?, ?> object) {
                        assertThat(object.get("kind")).as("kind in %s", file).isNotNull();
                        assertThat(object.get("apiVersion")).as("apiVersion in %s", file).isNotNull();
                    } else {
                        assertThat(document).as("%s holds a mapping or a JSON patch", file).isInstanceOf(List.class);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void servicesSelectExistingPodsOnNamedPorts(String overlay) {
        KustomizeRender render = render(overlay);
        assertThat(render.ofKind("Service")).as("the four services, the console and the gateway").hasSize(6);
        for (Map<String, Object> service : render.ofKind("Service")) {
            Map<String, Object> pod = podSelectedBy(render, map(service, "spec", "selector"));
            assertThat(pod).as("pods selected by Service %s", name(service)).isNotNull();
            Set<Object> containerPorts = new HashSet<>();
            for (Map<String, Object> port : maps(firstContainer(pod), "ports")) {
                containerPorts.add(port.get("name"));
                containerPorts.add(port.get("containerPort"));
            }
            for (Map<String, Object> port : maps(service, "spec", "ports")) {
                assertThat(containerPorts).as("targetPort of Service %s", name(service)).contains(port.get("targetPort"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theEdgeRoutesEveryGatewayPathToTallyGatewayWhichReachesEveryService(String overlay) {
        KustomizeRender render = render(overlay);
        Map<String, Object> route = render.named("HTTPRoute", "tally");
        assertThat(maps(route, "spec", "parentRefs")).extracting(p -> p.get("name"))
                .containsExactly(name(render.ofKind("Gateway").get(0)));
        List<String> prefixes = new ArrayList<>();
        for (Map<String, Object> rule : maps(route, "spec", "rules")) {
            for (Map<String, Object> match : maps(rule, "matches")) {
                assertThat(string(match, "path", "type")).isEqualTo("PathPrefix");
                prefixes.add(string(match, "path", "value"));
            }
            assertThat(maps(rule, "backendRefs")).singleElement().satisfies(backend -> {
                Map<String, Object> service = render.named("Service", string(backend, "name"));
                assertThat(service).as("Service %s behind the route", string(backend, "name")).isNotNull();
                assertThat(maps(service, "spec", "ports")).extracting(p -> p.get("port")).contains(backend.get("port"));
            });
        }
        GatewayTemplate template = GatewayTemplate.read();
        assertThat(prefixes).containsExactlyInAnyOrderElementsOf(template.routes().keySet());

        Map<String, Object> gateway = firstContainer(render.named("Deployment", "tally-gateway"));
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(string(gateway, probe, "httpGet", "path")).as("%s of tally-gateway", probe).isEqualTo("/healthz");
        }
        Map<String, String> environment = new HashMap<>();
        maps(gateway, "env").forEach(variable -> environment.put(string(variable, "name"), string(variable, "value")));
        assertThat(environment.keySet()).containsAll(template.variables());
        for (ServiceSettings settings : behindTheGateway()) {
            assertThat(environment.get("TALLY_" + settings.service().toUpperCase() + "_UPSTREAM"))
                    .isEqualTo(settings.module() + ":" + settings.httpPort());
            assertThat(maps(render.named("Service", settings.module()), "spec", "ports")).extracting(p -> p.get("port"))
                    .contains(settings.httpPort());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void probesThatRestartAPodCheckNoDependencyAndReadinessChecksTheDatabase(String overlay) {
        // /q/health/live checks no dependency; /q/health/started would wait for Kafka, and a failed start-up or
        // liveness probe kills the pod: during a broker outage every pod would crash-loop.
        Map<String, String> paths = Map.of("startupProbe", "/q/health/live", "livenessProbe", "/q/health/live",
                "readinessProbe", "/q/health/ready");
        for (Map<String, Object> deployment : apiDeployments(render(overlay))) {
            Map<String, Object> container = firstContainer(deployment);
            for (Map.Entry<String, String> probe : paths.entrySet()) {
                assertThat(string(container, probe.getKey(), "httpGet", "path")).as("%s of %s", probe.getKey(),
                        name(deployment)).isEqualTo(probe.getValue());
                assertThat(string(container, probe.getKey(), "httpGet", "port")).isEqualTo("http");
            }
            assertThat(maps(container, "ports")).extracting(p -> p.get("name")).containsExactly("http");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyDeploymentGetsTheEnvironmentItsServiceReads(String overlay) {
        KustomizeRender render = render(overlay);
        for (ServiceSettings settings : behindTheGateway()) {
            Map<String, Object> deployment = render.named("Deployment", settings.module());
            assertThat(deployment).as("Deployment %s", settings.module()).isNotNull();
            Map<String, Object> container = firstContainer(deployment);
            Set<String> supplied = new HashSet<>();
            for (Map<String, Object> source : maps(container, "envFrom")) {
                String configMap = string(source, "configMapRef", "name");
                Map<String, Object> found = render.named("ConfigMap", configMap);
                assertThat(found).as("ConfigMap %s of %s", configMap, settings.module()).isNotNull();
                supplied.addAll(map(found, "data").keySet());
            }
            for (Map<String, Object> variable : maps(container, "env")) {
                supplied.add(variable.get("name").toString());
                String secret = string(variable, "valueFrom", "secretKeyRef", "name");
                if (secret != null && overlay.equals("dev") && render.named("KafkaUser", secret) == null) {
                    // dev generates its Secrets (but for the KafkaUsers', which Strimzi makes), so the key must be in
                    // the generated one
                    Map<String, Object> found = render.named("Secret", secret);
                    assertThat(found).as("Secret %s of %s", secret, settings.module()).isNotNull();
                    assertThat(map(found, "data")).containsKey(string(variable, "valueFrom", "secretKeyRef", "key"));
                }
            }
            assertThat(supplied).as("environment of %s in %s", settings.module(), overlay)
                    .containsAll(settings.requiredEnvironment());
            assertThat(supplied).as("variables set for %s that it does not read", settings.module())
                    .allSatisfy(variable -> assertThat(settings.reads(variable)).as(variable).isTrue());
            assertThat(container.get("env").toString()).contains("value=" + settings.httpPort());
        }
    }

    /** prod does not generate Secrets: docs/operations.md must name every one an operator has to create. */
    @Test
    void operationsGuideNamesEverySecretProdExpects() throws IOException {
        String guide = Files.readString(RepositoryRoot.resolve("docs/operations.md"));
        Set<String> secrets = new HashSet<>();
        for (Map<String, Object> deployment : render("prod").ofKind("Deployment")) {
            List<Map<String, Object>> variables = new ArrayList<>(maps(firstContainer(deployment), "env"));
            maps(deployment, "spec", "template", "spec", "initContainers").forEach(init -> variables.addAll(maps(init, "env")));
            for (Map<String, Object> variable : variables) {
                String secret = string(variable, "valueFrom", "secretKeyRef", "name");
                if (secret != null) {
                    secrets.add(secret);
                }
            }
            maps(deployment, "spec", "template", "spec", "volumes").stream()
                    .map(volume -> string(volume, "secret", "secretName")).filter(s -> s != null).forEach(secrets::add);
        }
        assertThat(secrets).contains("tally-jwt", "tally-webhooks", "tally-db-credits", "tally-db-credits-owner")
                .allSatisfy(secret -> assertThat(guide).contains("`" + secret + "`"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyTopicTheServicesUseHasAKafkaTopicLikeTopicsConf(String overlay) throws IOException {
        Map<String, List<String>> expected = new TreeMap<>();
        for (String line : Files.readAllLines(RepositoryRoot.resolve("dev-support/kafka/topics.conf"))) {
            String[] fields = line.strip().split("\\s+");
            if (!line.startsWith("#") && fields.length == 4 && fields[3].equals("deploy")) {
                expected.put(fields[0], List.of(fields[1], Long.toString(Long.parseLong(fields[2]) * 3_600_000L)));
            }
        }
        Map<String, List<String>> declared = new TreeMap<>();
        for (Map<String, Object> topic : render(overlay).ofKind("KafkaTopic")) {
            assertThat(string(topic, "metadata", "labels", "strimzi.io/cluster")).isEqualTo("tally-kafka");
            declared.put(string(topic, "spec", "topicName"),
                    List.of(string(topic, "spec", "partitions"), string(topic, "spec", "config", "retention.ms")));
        }
        assertThat(declared).isEqualTo(expected);
        assertThat(declared.keySet()).containsAll(Topics.ALL);
        ServiceSettings.SERVICES.forEach(service -> assertThat(declared).containsKey(Topics.deadLetter(service)));
        assertThat(render(overlay).named("Kafka", "tally-kafka")).as("the Kafka cluster the topics belong to").isNotNull();
    }

    /**
     * The broker's users and ACLs are those ./dev and docker-compose grant (access.conf's `deploy` lines), each
     * service authenticates as its own user over the TLS listener, and nothing lets anonymous clients in.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void eachServiceHasAKafkaUserWithTheAclsOfAccessConf(String overlay) throws IOException {
        Map<String, Set<String>> expected = new TreeMap<>();
        for (String line : Files.readAllLines(RepositoryRoot.resolve("dev-support/kafka/access.conf"))) {
            String[] fields = line.strip().split("\\s+");
            if (!line.startsWith("#") && fields.length == 4 && fields[3].equals("deploy")) {
                String operations = switch (fields[1]) {
                    case "write" -> "[Write, Describe]";
                    case "read" -> "[Read, Describe]";
                    case "group" -> "[Read]";
                    default -> throw new IllegalArgumentException(line);
                };
                expected.computeIfAbsent(fields[0], user -> new HashSet<>()).add(fields[2] + " " + operations);
            }
        }
        KustomizeRender render = render(overlay);
        Map<String, Set<String>> declared = new TreeMap<>();
        for (Map<String, Object> user : render.ofKind("KafkaUser")) {
            assertThat(string(user, "metadata", "labels", "strimzi.io/cluster")).isEqualTo("tally-kafka");
            assertThat(string(user, "spec", "authentication", "type")).isEqualTo("scram-sha-512");
            Set<String> acls = new HashSet<>();
            for (Map<String, Object> acl : maps(user, "spec", "authorization", "acls")) {
                assertThat(acl.getOrDefault("type", "allow")).isEqualTo("allow");
                assertThat(string(acl, "resource", "patternType")).isEqualTo("literal");
                acls.add(string(acl, "resource", "type") + ":" + string(acl, "resource", "name") + " "
                        + acl.get("operations"));
            }
            declared.put(name(user), acls);
        }
        assertThat(declared).isEqualTo(expected);

        Map<String, Object> kafka = render.named("Kafka", "tally-kafka");
        assertThat(string(kafka, "spec", "kafka", "authorization", "type")).isEqualTo("simple");
        assertThat(map(kafka, "spec", "entityOperator")).containsKey("userOperator");
        assertThat(maps(kafka, "spec", "kafka", "listeners")).as("every listener authenticates over TLS")
                .isNotEmpty().allSatisfy(listener -> {
                    assertThat(listener.get("tls")).isEqualTo(true);
                    assertThat(string(listener, "authentication", "type")).isEqualTo("scram-sha-512");
                });
        for (String service : ServiceSettings.SERVICES) {
            Map<String, Object> container = firstContainer(render.named("Deployment", service + "-service"));
            assertThat(maps(container, "env")).as("the Kafka password of %s-service", service)
                    .anySatisfy(env -> {
                        assertThat(env.get("name")).isEqualTo("TALLY_KAFKA_PASSWORD");
                        assertThat(string(env, "valueFrom", "secretKeyRef", "name")).isEqualTo("tally-" + service);
                    });
        }
        Map<String, Object> config = map(render.named("ConfigMap", "tally-config"), "data");
        assertThat(config).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/tally/kafka-ca/ca.crt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void podsRunAsNonRootOnAReadOnlyFileSystemWithLimits(String overlay) {
        for (Map<String, Object> deployment : render(overlay).ofKind("Deployment")) {
            Map<String, Object> pod = map(deployment, "spec", "template", "spec");
            Map<String, Object> container = firstContainer(deployment);
            assertThat(at(pod, "securityContext", "runAsNonRoot")).as("runAsNonRoot of %s", name(deployment)).isEqualTo(true);
            assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
            assertThat(at(container, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
            assertThat(map(container, "resources", "requests")).containsKeys("cpu", "memory");
            assertThat(map(container, "resources", "limits")).containsKeys("cpu", "memory");
            assertThat(maps(container, "volumeMounts")).extracting(m -> m.get("mountPath")).contains("/tmp");
            for (Map<String, Object> init : maps(pod, "initContainers")) {
                assertThat(at(init, "securityContext", "readOnlyRootFilesystem")).as("init container of %s",
                        name(deployment)).isEqualTo(true);
                assertThat(at(init, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
                assertThat(map(init, "resources", "limits")).containsKeys("cpu", "memory");
                assertThat(maps(init, "volumeMounts")).extracting(m -> m.get("mountPath")).contains("/tmp");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void autoscalersAndDisruptionBudgetsCoverEveryDeployment(String overlay) {
        KustomizeRender render = render(overlay);
        Set<String> deployments = new HashSet<>();
        render.ofKind("Deployment").forEach(d -> deployments.add(name(d)));
        Set<String> scaled = new HashSet<>();
        for (Map<String, Object> hpa : render.ofKind("HorizontalPodAutoscaler")) {
            assertThat(string(hpa, "spec", "scaleTargetRef", "kind")).isEqualTo("Deployment");
            scaled.add(string(hpa, "spec", "scaleTargetRef", "name"));
            assertThat((Integer) at(hpa, "spec", "minReplicas")).isLessThanOrEqualTo((Integer) at(hpa, "spec", "maxReplicas"));
        }
        assertThat(scaled).isEqualTo(deployments);
        Set<String> budgeted = new HashSet<>();
        for (Map<String, Object> pdb : render.ofKind("PodDisruptionBudget")) {
            Map<String, Object> pod = podSelectedBy(render, map(pdb, "spec", "selector", "matchLabels"));
            assertThat(pod).as("pods of PodDisruptionBudget %s", name(pdb)).isNotNull();
            budgeted.add(name(pdb));
        }
        assertThat(budgeted).isEqualTo(deployments);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void networkPoliciesLetOnlyTheGatewayReachServicesAndOnlyServicesReachTheDataStores(String overlay) {
        KustomizeRender render = render(overlay);
        Map<String, Object> defaultDeny = render.named("NetworkPolicy", "default-deny-ingress");
        assertThat(map(defaultDeny, "spec", "podSelector")).isEmpty();
        assertThat(defaultDeny.get("spec").toString()).doesNotContain("ingress=");

        Map<String, Object> gatewayPod = podLabels(render.named("Deployment", "tally-gateway"));
        Map<String, Object> edge = render.named("NetworkPolicy", "edge-to-gateway");
        assertThat(selects(map(edge, "spec", "podSelector", "matchLabels"), gatewayPod)).isTrue();
        assertThat(maps(edge, "spec", "ingress")).singleElement().satisfies(rule -> assertThat(maps(rule, "from"))
                .singleElement().satisfies(from -> assertThat(string(from, "namespaceSelector", "matchLabels",
                        "kubernetes.io/metadata.name")).isEqualTo("envoy-gateway-system")));

        Map<String, Object> gateway = render.named("NetworkPolicy", "gateway-to-services");
        for (Map<String, Object> deployment : apiDeployments(render)) {
            assertThat(selects(map(gateway, "spec", "podSelector", "matchLabels"), podLabels(deployment)))
                    .as("gateway-to-services covers %s", name(deployment)).isTrue();
        }
        assertThat(selects(map(gateway, "spec", "podSelector", "matchLabels"), gatewayPod)).isFalse();
        Map<String, Object> consolePod = podLabels(render.named("Deployment", "console"));
        assertThat(selects(map(gateway, "spec", "podSelector", "matchLabels"), consolePod)).isFalse();
        List<Map<String, Object>> sources = maps(gateway, "spec", "ingress").stream()
                .flatMap(rule -> maps(rule, "from").stream()).toList();
        assertThat(sources).hasSize(3);
        assertThat(selects(map(sources.get(0), "podSelector", "matchLabels"), gatewayPod)).as("the gateway's pods").isTrue();
        assertThat(selects(map(sources.get(1), "podSelector", "matchLabels"), consolePod)).as("the console's pods").isTrue();
        assertThat(string(sources.get(2), "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name"))
                .as("Prometheus' namespace").isEqualTo("monitoring");

        // The console is reached from the gateway only.
        Map<String, Object> toConsole = render.named("NetworkPolicy", "gateway-to-console");
        assertThat(selects(map(toConsole, "spec", "podSelector", "matchLabels"), consolePod)).isTrue();
        assertThat(selects(map(toConsole, "spec", "podSelector", "matchLabels"), gatewayPod)).isFalse();
        assertThat(maps(toConsole, "spec", "ingress")).singleElement().satisfies(rule -> assertThat(maps(rule, "from"))
                .singleElement().satisfies(from -> assertThat(selects(map(from, "podSelector", "matchLabels"),
                        gatewayPod)).isTrue()));

        Map<String, Object> anyServicePod = podLabels(apiDeployments(render).get(0));
        Map<String, Object> postgresPods = Map.of("cnpg.io/cluster", name(render.ofKind("Cluster").get(0)));
        Map<String, Object> kafkaPods = Map.of("strimzi.io/cluster", name(render.ofKind("Kafka").get(0)));
        for (Map.Entry<String, Map<String, Object>> store : Map.of("services-to-postgres", postgresPods,
                "services-to-kafka", kafkaPods).entrySet()) {
            Map<String, Object> policy = render.named("NetworkPolicy", store.getKey());
            assertThat(selects(map(policy, "spec", "podSelector", "matchLabels"), store.getValue())).isTrue();
            List<Map<String, Object>> rules = maps(policy, "spec", "ingress");
            assertThat(maps(rules.get(0), "from")).singleElement().satisfies(from -> assertThat(
                    selects(map(from, "podSelector", "matchLabels"), anyServicePod)).isTrue());
            assertThat(rules.stream().flatMap(rule -> maps(rule, "from").stream()))
                    .as("the console never reaches %s", store.getKey())
                    .noneMatch(from -> selects(map(from, "podSelector", "matchLabels"), consolePod));
            // the other rules admit only the data store's own pods and its operator's namespace
            for (Map<String, Object> rule : rules.subList(1, rules.size())) {
                for (Map<String, Object> from : maps(rule, "from")) {
                    assertThat(selects(map(from, "podSelector", "matchLabels"), anyServicePod)).isFalse();
                    assertThat(from.keySet()).containsAnyOf("podSelector", "namespaceSelector").doesNotContain("ipBlock");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void databaseRolesTakeTheirPasswordsFromTheSecretsThePodsRead(String overlay) {
        KustomizeRender render = render(overlay);
        Map<String, Object> cluster = render.ofKind("Cluster").get(0);
        assertThat(name(cluster)).as("the host in tally-config is <cluster>-rw")
                .isEqualTo(string(render.named("ConfigMap", "tally-config"), "data", "TALLY_DB_HOST").replace("-rw", ""));
        Map<String, String> rolesToSecrets = new HashMap<>();
        for (Map<String, Object> role : maps(cluster, "spec", "managed", "roles")) {
            rolesToSecrets.put(string(role, "name"), string(role, "passwordSecret", "name"));
        }
        for (String service : ServiceSettings.SERVICES) {
            Map<String, Object> deployment = render.named("Deployment", service + "-service");
            assertThat(rolesToSecrets).containsEntry("tally_" + service,
                    secretOf(firstContainer(deployment), "TALLY_DB_PASSWORD"));
            assertThat(rolesToSecrets).containsEntry("tally_" + service + "_owner",
                    secretOf(migrateContainer(deployment), "TALLY_DB_OWNER_PASSWORD"));
            assertThat(cluster.toString()).contains("CREATE SCHEMA " + service + " AUTHORIZATION tally_" + service + "_owner");
        }
    }

    /** docs/architecture.md, "Trust": a service never holds the password of the role that may change its schema. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void anInitContainerMigratesAsTheOwnerAndTheServiceRunsWithoutItsPassword(String overlay) {
        KustomizeRender render = render(overlay);
        for (String service : ServiceSettings.SERVICES) {
            Map<String, Object> deployment = render.named("Deployment", service + "-service");
            Map<String, Object> migrate = migrateContainer(deployment);
            Map<String, Object> container = firstContainer(deployment);
            assertThat(migrate.get("command").toString()).contains("io.tally.common.db.MigrateSchema");
            assertThat(migrate.get("image")).as("the init container runs the service's image")
                    .isEqualTo(container.get("image"));
            assertThat(secretOf(migrate, "TALLY_DB_USER")).as("the role the migration grants to")
                    .isEqualTo(secretOf(container, "TALLY_DB_USER"));
            assertThat(maps(container, "env")).extracting(variable -> variable.get("name").toString())
                    .noneMatch(name -> name.contains("OWNER"));
            assertThat(maps(container, "env")).anySatisfy(variable -> assertThat(variable)
                    .containsEntry("name", "TALLY_MIGRATIONS_AT_START").containsEntry("value", "false"));
        }
    }

    private static Map<String, Object> migrateContainer(Map<String, Object> deployment) {
        List<Map<String, Object>> init = maps(deployment, "spec", "template", "spec", "initContainers");
        assertThat(init).as("init containers of %s", name(deployment)).hasSize(1);
        assertThat(init.get(0)).containsEntry("name", "migrate");
        return init.get(0);
    }

    private static String secretOf(Map<String, Object> container, String variable) {
        return maps(container, "env").stream().filter(v -> variable.equals(v.get("name")))
                .map(v -> string(v, "valueFrom", "secretKeyRef", "name")).findFirst()
                .orElseThrow(() -> new AssertionError(variable + " is not set from a Secret in " + container.get("name")));
    }

    /** The four services and the console: each a Deployment and a Service the gateway routes to. */
    private static List<ServiceSettings> behindTheGateway() {
        List<ServiceSettings> all = new ArrayList<>(ServiceSettings.SERVICES.stream().map(ServiceSettings::of).toList());
        all.add(ServiceSettings.console());
        return all;
    }

    static List<Map<String, Object>> apiDeployments(KustomizeRender render) {
        return render.ofKind("Deployment").stream()
                .filter(d -> "api".equals(string(d, "metadata", "labels", "app.kubernetes.io/component"))).toList();
    }

    private static Map<String, Object> podSelectedBy(KustomizeRender render, Map<String, Object> selector) {
        return render.ofKind("Deployment").stream().filter(d -> selects(selector, podLabels(d))).findFirst().orElse(null);
    }

    private static Map<String, Object> podLabels(Map<String, Object> deployment) {
        return map(deployment, "spec", "template", "metadata", "labels");
    }

    static Map<String, Object> firstContainer(Map<String, Object> deployment) {
        List<Map<String, Object>> containers = maps(deployment, "spec", "template", "spec", "containers");
        assertThat(containers).as("containers of %s", name(deployment)).hasSize(1);
        return containers.get(0);
    }
}
