package io.tally.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a figure was measured on, kept with it in {@code history.jsonl}: the same code gives 2× different rates on
 * two days of this shared machine, so a figure without its machine cannot be compared.
 */
final class MachineFacts {

    private MachineFacts() {
    }

    static Map<String, Object> read() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("cores", Runtime.getRuntime().availableProcessors());
        procLine("/proc/cpuinfo", "model name").ifPresent(model -> facts.put("cpu", model));
        procLine("/proc/meminfo", "MemTotal").ifPresent(kb -> facts.put("memory_gib",
                Math.round(Long.parseLong(kb.replaceAll("\\D", "")) / 1024.0 / 1024.0)));
        firstLine(Path.of("/proc/sys/kernel/osrelease")).ifPresent(kernel -> facts.put("kernel", kernel));
        facts.put("java", System.getProperty("java.runtime.version"));
        return facts;
    }

    /** The value of the first {@code key: value} line of a /proc file. */
    private static Optional<String> procLine(String file, String key) {
        try {
            return Files.readAllLines(Path.of(file)).stream().filter(line -> line.startsWith(key))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> firstLine(Path file) {
        try {
            return Files.readAllLines(file).stream().findFirst().map(String::trim);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
