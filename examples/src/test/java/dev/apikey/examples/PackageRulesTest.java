package dev.apikey.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Core's {@code dev.apikey.internal} packages may change in any release, so no other module's main code may use
 * them: what an adapter or a store needs from core is public API ({@code dev.apikey.json}, {@code Text}, the SPIs).
 */
class PackageRulesTest {

    @Test
    void noModuleOutsideCoreUsesCoreInternals() throws IOException {
        Path root = DocBlocks.root();
        List<Path> sources;
        try (Stream<Path> modules = Files.list(root)) {
            sources = modules.filter(m -> !m.getFileName().toString().equals("apikey-core"))
                    .map(m -> m.resolve("src/main/java"))
                    .filter(Files::isDirectory)
                    .flatMap(PackageRulesTest::javaFiles)
                    .toList();
        }
        assertThat(sources).as("main sources of the other modules").hasSizeGreaterThan(50);
        assertThat(sources).filteredOn(PackageRulesTest::usesCoreInternals).isEmpty();
    }

    private static Stream<Path> javaFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean usesCoreInternals(Path file) {
        try {
            return Files.readString(file).matches("(?s).*\\bdev\\.apikey\\.internal\\b.*");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
