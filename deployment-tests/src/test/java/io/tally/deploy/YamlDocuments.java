package io.tally.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/** YAML files and streams as plain maps and lists (merge keys resolved, as docker compose resolves them). */
final class YamlDocuments {

    private YamlDocuments() {
    }

    static List<Map<String, Object>> parseAll(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(options).loadAll(text)) {
            if (document != null) {
                documents.add(asMap(document, "document"));
            }
        }
        return documents;
    }

    static List<Map<String, Object>> parseAll(Path file) {
        try {
            return parseAll(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        } catch (RuntimeException e) {
            throw new AssertionError(file + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    static Map<String, Object> parse(Path file) {
        List<Map<String, Object>> documents = parseAll(file);
        if (documents.size() != 1) {
            throw new AssertionError(file + " holds " + documents.size() + " YAML documents, expected one");
        }
        return documents.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value, String what) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new AssertionError(what + " is not a mapping: " + value);
        }
        return (Map<String, Object>) map;
    }

    /** The mapping at a dotted path (each step a key), or an empty map when any step is absent. */
    static Map<String, Object> map(Map<String, Object> root, String... path) {
        Object value = at(root, path);
        return value == null ? Map.of() : asMap(value, String.join(".", path));
    }

    /** The list of mappings at a path, or an empty list when it is absent. */
    static List<Map<String, Object>> maps(Map<String, Object> root, String... path) {
        Object value = at(root, path);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new AssertionError(String.join(".", path) + " is not a list: " + value);
        }
        return list.stream().map(item -> asMap(item, String.join(".", path) + "[]")).toList();
    }

    static String string(Map<String, Object> root, String... path) {
        Object value = at(root, path);
        return value == null ? null : Objects.toString(value);
    }

    static Object at(Map<String, Object> root, String... path) {
        Object current = root;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }
}
