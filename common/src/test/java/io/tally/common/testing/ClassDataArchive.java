package io.tally.common.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The class-data archive {@code ./dev} keeps next to a service's {@code quarkus-run.jar} (see "Class-data sharing"
 * in ./dev and docs/operations.md), used the same way here: the first start after a build records the classes it
 * loads and, once healthy, writes them out with {@code jcmd VM.cds dynamic_dump}; later starts map the archive and
 * skip parsing and verifying those classes. A start without an archive is only slower, never wrong: the JVM checks
 * the archive against itself and the jar and ignores one that does not match. Unlike ./dev, the process that wrote
 * the archive goes on serving its test: it keeps the memory the dump used, which no test measures.
 */
final class ClassDataArchive {

    private static final Logger LOG = Logger.getLogger(ClassDataArchive.class);

    private final Path jar;
    private final Path archive;
    /** Decided once, before the start: whether that start records its classes for {@link #writeFrom}. */
    private final boolean recording;

    private ClassDataArchive(Path jar, Path archive) {
        this.jar = jar;
        this.archive = archive;
        this.recording = !fresh();
    }

    /** The archive for this JVM (named after its installation, as ./dev names it) of the jar's service. */
    static ClassDataArchive of(Path jar) {
        return new ClassDataArchive(jar, jar.resolveSibling("tally-cds-" + jdkName() + ".jsa"));
    }

    /** Options for the start: map the archive when it is fresh, otherwise record for {@link #writeFrom}. */
    List<String> jvmOptions() {
        return recording
                // the dump warns of every class it skips; those lines would bury the service's own log
                ? List.of("-XX:+RecordDynamicDumpInfo", "-Xlog:cds=error")
                : List.of("-XX:SharedArchiveFile=" + archive);
    }

    /**
     * Writes the archive from the healthy process started with {@link #jvmOptions()}, if that start recorded and no
     * other process (a replica started alongside) has written it meanwhile.
     */
    void writeFrom(Process process) {
        if (!recording || fresh()) {
            return;
        }
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Path partial = archive.resolveSibling(archive.getFileName() + "." + process.pid());
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "VM.cds", "dynamic_dump",
                    partial.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (dump.waitFor(60, TimeUnit.SECONDS) && dump.exitValue() == 0 && Files.size(partial) > 0) {
                Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                dump.destroyForcibly();
                LOG.warnf("No class-data archive written for %s; its starts stay slower", jar);
            }
        } catch (IOException e) {
            LOG.warnf("No class-data archive written for %s (%s); its starts stay slower", jar, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // a leftover partial file is overwritten or ignored by the next start
            }
        }
    }

    private boolean fresh() {
        try {
            return Files.isRegularFile(archive)
                    && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static String jdkName() {
        try {
            return Path.of(System.getProperty("java.home")).toRealPath().getFileName().toString();
        } catch (IOException e) {
            return Path.of(System.getProperty("java.home")).getFileName().toString();
        }
    }
}
