package io.tally.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.tally.common.testing.RepositoryRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packages of each module's main code form layers: no two packages need each other (directly or around a
 * loop), and the REST layer is the outside one — no other package imports it. Read from the imports of the
 * sources, so it runs in a second. The event contract ({@code io.tally.common.events} and its per-service
 * subpackages) counts as one package: its catalogue names the records, the records implement its base type.
 */
@Tag("unit")
class PackageDependenciesTest {

    private static final String EVENTS = "io.tally.common.events";
    private static final Pattern PACKAGE = Pattern.compile("^package (io\\.tally\\.[\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(io\\.tally\\.[\\w.]+)\\.[A-Z]\\w*[\\w.*]*;",
            Pattern.MULTILINE);

    @ParameterizedTest
    @ValueSource(strings = {"common", "credits-service", "jobs-service", "payments-service", "presence-service"})
    void noPackageCycles_andNothingImportsTheRestLayer(String module) {
        Map<String, Set<String>> uses = packageGraph(RepositoryRoot.resolve(module + "/src/main/java"));

        assertThat(cycles(uses)).as("package cycles in %s", module).isEmpty();
        uses.forEach((from, targets) -> {
            if (!from.endsWith(".rest")) {
                assertThat(targets).as("%s imports the REST layer", from).noneMatch(to -> to.endsWith(".rest"));
            }
        });
    }

    private static Map<String, Set<String>> packageGraph(Path sources) {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
                String text = read(file);
                Matcher pkg = PACKAGE.matcher(text);
                if (!pkg.find()) {
                    return;
                }
                String from = unit(pkg.group(1));
                Set<String> targets = uses.computeIfAbsent(from, p -> new TreeSet<>());
                Matcher imported = IMPORT.matcher(text);
                while (imported.find()) {
                    String to = unit(imported.group(1));
                    if (!to.equals(from)) {
                        targets.add(to);
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return uses;
    }

    private static String unit(String packageName) {
        return packageName.startsWith(EVENTS + ".") ? EVENTS : packageName;
    }

    /** The strongly connected groups of more than one package (Tarjan): each is a cycle. */
    private static List<Set<String>> cycles(Map<String, Set<String>> uses) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> found = new ArrayList<>();
        int[] counter = {0};
        for (String start : uses.keySet()) {
            if (!index.containsKey(start)) {
                connect(start, uses, index, low, stack, onStack, found, counter);
            }
        }
        return found;
    }

    private static void connect(String v, Map<String, Set<String>> uses, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                List<Set<String>> found, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : uses.getOrDefault(v, Set.of())) {
            if (!uses.containsKey(w)) {
                continue; // another module's package: it cannot import this one back
            }
            if (!index.containsKey(w)) {
                connect(w, uses, index, low, stack, onStack, found, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> group = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                group.add(w);
            } while (!w.equals(v));
            if (group.size() > 1) {
                found.add(group);
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
