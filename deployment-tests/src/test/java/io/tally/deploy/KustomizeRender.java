package io.tally.deploy;

import io.tally.common.testing.RepositoryRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An overlay of k8s/ rendered by {@code kubectl kustomize}, as {@code kubectl apply -k} would send it. The dev
 * overlay generates Secrets from files ./dev k8s-secrets writes (never committed), so rendering happens on a copy
 * of k8s/ with files `./dev k8s-secrets` generated for it.
 */
record KustomizeRender(String overlay, String rendered, List<Map<String, Object>> objects) {

    static final Path K8S = RepositoryRoot.resolve("k8s");

    static KustomizeRender of(String overlay) {
        Path copy = copyWithGeneratedSecrets();
        try {
            Process process = new ProcessBuilder("kubectl", "kustomize", copy.resolve("overlays").resolve(overlay).toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String rendered = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize k8s/overlays/" + overlay + " failed (see stderr)");
            }
            return new KustomizeRender(overlay, rendered, YamlDocuments.parseAll(rendered));
        } catch (IOException e) {
            throw new IllegalStateException("kubectl is needed to render k8s/ (it ships kustomize): install it, e.g. "
                    + "from https://kubernetes.io/docs/tasks/tools/", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Map<String, Object> named(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(YamlDocuments.string(o, "metadata", "name"))).findFirst()
                .orElse(null);
    }

    static String name(Map<String, Object> object) {
        return YamlDocuments.string(object, "metadata", "name");
    }

    /** True when every label of the selector is on the pod (matchLabels semantics). */
    static boolean selects(Map<String, Object> selector, Map<String, Object> podLabels) {
        return !selector.isEmpty() && selector.entrySet().stream()
                .allMatch(label -> Objects.equals(String.valueOf(label.getValue()), String.valueOf(podLabels.get(label.getKey()))));
    }

    private static Path copyWithGeneratedSecrets() {
        try {
            Path copy = Files.createTempDirectory("tally-k8s");
            try (Stream<Path> files = Files.walk(K8S)) {
                for (Path source : files.sorted(Comparator.naturalOrder()).toList()) {
                    Path relative = K8S.relativize(source);
                    if (relative.startsWith(Path.of("overlays", "dev", "secrets"))) {
                        continue; // a developer's real local secrets stay out of the test
                    }
                    Path target = copy.resolve(relative.toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                }
            }
            writeDevSecrets(copy.resolve("overlays/dev/secrets"));
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The files the dev overlay's secretGenerator reads, written by the same command a developer runs. */
    private static void writeDevSecrets(Path directory) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(RepositoryRoot.resolve("dev").toString(), "k8s-secrets", directory.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("./dev k8s-secrets failed: " + output);
        }
    }
}
