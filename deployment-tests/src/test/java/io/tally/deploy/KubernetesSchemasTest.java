package io.tally.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.common.testing.RepositoryRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each overlay as `kubectl apply -k` would send it, validated against the published schemas of the Kubernetes API
 * and of the operators' CRDs (deployment-tests/manifest-schemas: the kubernetes-models packages from npm, which
 * ./dev test installs), and checked to use only API versions today's releases serve.
 */
class KubernetesSchemasTest {

    private static final Path VALIDATOR = RepositoryRoot.resolve("deployment-tests/manifest-schemas");
    /** The one kind whose schema no registry reachable here publishes; the validator names it rather than skip it. */
    private static final String UNPUBLISHED = "barmancloud.cnpg.io/v1 ObjectStore";

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectMatchesTheSchemaOfAServedApiVersion(String overlay) throws Exception {
        assertThat(VALIDATOR.resolve("node_modules")).as("the validator's packages (./dev test runs npm ci there)")
                .isDirectory();
        Path rendered = Path.of("target", "k8s-" + overlay + ".yaml").toAbsolutePath();
        Files.createDirectories(rendered.getParent());
        Files.writeString(rendered, KubernetesManifestsTest.render(overlay).rendered());

        Commands.Result result = Commands.run(List.of("node", VALIDATOR.resolve("validate.mjs").toString(), rendered.toString()),
                Duration.ofMinutes(2));
        ObjectMapper json = new ObjectMapper();
        Map<String, String> outcomes = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (String line : result.output().lines().filter(l -> l.startsWith("{")).toList()) {
            JsonNode report = json.readTree(line);
            String object = report.get("apiVersion").asText() + " " + report.get("kind").asText();
            String outcome = report.get("result").asText();
            outcomes.merge(outcome, object, (a, b) -> a.contains(b) ? a : a + ", " + b);
            if (!outcome.equals("valid") && !(outcome.equals("not validated") && object.equals(UNPUBLISHED))) {
                problems.add(object + " " + report.path("name").asText() + ": " + outcome + " — " + report.path("reason").asText());
            }
        }
        System.out.println(overlay + " overlay against the published schemas: " + outcomes);
        assertThat(problems).as("objects of the %s overlay", overlay).isEmpty();
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(outcomes).containsKey("valid");
    }
}
