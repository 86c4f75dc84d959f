package io.tally.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The fault table of docs/reliability.md, one row per fault as it ran: appended to
 * {@code e2e/target/reliability-report.md} and printed, so the figures in the doc are copied from a real run.
 */
final class ReliabilityReport {

    private static final Path FILE = Path.of("target", "reliability-report.md").toAbsolutePath();

    private ReliabilityReport() {
    }

    static synchronized void row(String fault, long seconds, String operations, String checked, String result) {
        try {
            Files.createDirectories(FILE.getParent());
            if (!Files.exists(FILE)) {
                Files.writeString(FILE, "Run of " + OffsetDateTime.now(ZoneOffset.UTC) + "\n\n"
                        + "| fault | run | operations during the run | what was checked | result |\n"
                        + "|---|---|---|---|---|\n");
            }
            String line = "| " + fault + " | " + seconds + " s | " + operations + " | " + checked + " | " + result + " |\n";
            Files.writeString(FILE, line, StandardOpenOption.APPEND);
            System.out.print("RELIABILITY " + line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
