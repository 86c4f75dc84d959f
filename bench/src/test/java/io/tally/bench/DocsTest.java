package io.tally.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Keeps the docs honest where that is cheap: the classes a code map names exist, the {@code ./dev} commands they
 * show are real verbs, the performance tables are runs recorded in {@code bench/results/history.jsonl}, and no link
 * leads outside the repository. It lives with the bench because the bench writes that history.
 */
@Tag("unit")
class DocsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern CODE_MAP = Pattern.compile("(?s)## How a request flows \\(code map\\)\\n(.*?)(?=\\n## |\\z)");
    private static final Pattern CLASS_NAME = Pattern.compile("`([A-Z][a-z]+(?:[A-Z][A-Za-z0-9]*)+)`");
    private static final Pattern DEV_COMMAND = Pattern.compile("\\./dev ([a-z_][a-z0-9-]*)");
    private static final Pattern DEV_VERB = Pattern.compile("(?m)^  ([a-z_][a-z0-9-]*)[|)]");
    private static final Pattern BENCH_TABLE = Pattern.compile(
            "(?s)<!-- bench-table: ([^>]*?) -->\\n(.*?)<!-- /bench-table -->");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(?:#[^)]*)?\\)");

    @Test
    void everyClassACodeMapNamesExists() {
        Set<String> sources = javaClassNames();
        List<String> missing = new ArrayList<>();
        int named = 0;
        for (Path doc : docs()) {
            Matcher map = CODE_MAP.matcher(read(doc));
            while (map.find()) {
                Matcher name = CLASS_NAME.matcher(map.group(1));
                while (name.find()) {
                    named++;
                    if (!sources.contains(name.group(1))) {
                        missing.add(ROOT.relativize(doc) + ": " + name.group(1));
                    }
                }
            }
        }
        assertThat(named).as("classes named by code maps").isGreaterThan(40);
        assertThat(missing).as("named in a code map, no such class").isEmpty();
    }

    @Test
    void everyDevCommandShownIsARealVerb() {
        Set<String> verbs = new TreeSet<>();
        Matcher verb = DEV_VERB.matcher(read(ROOT.resolve("dev")));
        while (verb.find()) {
            verbs.add(verb.group(1));
        }
        assertThat(verbs).contains("up", "test", "bench");
        List<String> unknown = new ArrayList<>();
        for (Path doc : docs()) {
            Matcher command = DEV_COMMAND.matcher(read(doc));
            while (command.find()) {
                if (!verbs.contains(command.group(1))) {
                    unknown.add(ROOT.relativize(doc) + ": ./dev " + command.group(1));
                }
            }
        }
        assertThat(unknown).as("commands ./dev does not have (verbs: %s)", verbs).isEmpty();
    }

    @Test
    void everyPerformanceTableRowIsARecordedRun() {
        Map<String, List<String>> recorded = HistoryTable.read(ROOT.resolve("bench/results").resolve(Report.HISTORY))
                .rowsByScenario();
        List<String> problems = new ArrayList<>();
        int tables = 0;
        for (Path doc : docs()) {
            Matcher table = BENCH_TABLE.matcher(read(doc));
            while (table.find()) {
                tables++;
                List<String> scenarios = List.of(table.group(1).trim().split("\\s+"));
                List<String> lines = table.group(2).lines().toList();
                String where = ROOT.relativize(doc) + " (" + table.group(1).trim() + ")";
                if (lines.size() < 2 || !String.join("\n", lines.subList(0, 2)).equals(HistoryTable.HEADER)) {
                    problems.add(where + ": the header is not `./dev bench table`'s");
                    continue;
                }
                for (String scenario : scenarios) {
                    List<String> rows = lines.stream().skip(2).filter(row -> row.startsWith("| `" + scenario + "` |")).toList();
                    if (rows.isEmpty()) {
                        problems.add(where + ": no row for " + scenario);
                    }
                    rows.stream().filter(row -> !recorded.getOrDefault(scenario, List.of()).contains(row))
                            .forEach(row -> problems.add(where + ": not a run in history.jsonl: " + row));
                }
                lines.stream().skip(2).filter(row -> scenarios.stream().noneMatch(s -> row.startsWith("| `" + s + "` |")))
                        .forEach(row -> problems.add(where + ": a row of another scenario: " + row));
            }
        }
        assertThat(tables).as("performance tables in docs/").isGreaterThanOrEqualTo(4);
        assertThat(problems).isEmpty();
    }

    @Test
    void linksStayInsideTheRepositoryAndLeadSomewhere() {
        List<String> broken = new ArrayList<>();
        for (Path doc : docs()) {
            Matcher link = LINK.matcher(read(doc));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // https:, mailto:
                }
                Path resolved = doc.getParent().resolve(target).normalize();
                if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
                    broken.add(ROOT.relativize(doc) + ": " + target);
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    /** README.md, CONTRIBUTING.md and every page under docs/. */
    private static List<Path> docs() {
        try (Stream<Path> pages = Files.walk(ROOT.resolve("docs"))) {
            List<Path> docs = new ArrayList<>(pages.filter(p -> p.toString().endsWith(".md")).sorted().toList());
            Stream.of("README.md", "CONTRIBUTING.md").map(ROOT::resolve).filter(Files::exists).forEach(docs::add);
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> javaClassNames() {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !ROOT.relativize(p).toString().contains("target/"))
                    .map(p -> p.getFileName().toString().replace(".java", ""))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
