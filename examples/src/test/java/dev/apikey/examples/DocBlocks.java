package dev.apikey.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The fenced code blocks of the project's Markdown: README.md, docs/*.md and examples/README.md. A block may be
 * preceded (on the line before its fence) by an HTML comment that says how it is tested, e.g.
 * {@code <!-- snippet: given ServletContext servletContext -->} or {@code <!-- run: WalkThroughIT -->}.
 */
record DocBlocks(Path file, int line, String language, String marker, String code) {
    private static final Pattern FENCE = Pattern.compile("^```(\\S*)\\s*$");
    private static final Pattern MARKER = Pattern.compile("^<!--\\s*(.*?)\\s*-->$");

    /** The repository root (set by the build; the parent folder when run from the module). */
    static Path root() {
        return Path.of(System.getProperty("apikey.root", "..")).toAbsolutePath().normalize();
    }

    /** README.md, every docs/*.md and examples/README.md. */
    static List<Path> documents() {
        List<Path> docs = new ArrayList<>();
        docs.add(root().resolve("README.md"));
        try (Stream<Path> files = Files.list(root().resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        docs.add(root().resolve("examples/README.md"));
        return docs;
    }

    /** Every fenced block of every document. */
    static List<DocBlocks> all() {
        List<DocBlocks> blocks = new ArrayList<>();
        for (Path doc : documents()) {
            blocks.addAll(of(doc));
        }
        return blocks;
    }

    /** The fenced blocks of one document, in order. */
    static List<DocBlocks> of(Path doc) {
        List<String> lines;
        try {
            lines = Files.readAllLines(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<DocBlocks> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            String marker = "";
            if (i > 0) {
                Matcher m = MARKER.matcher(lines.get(i - 1).strip());
                if (m.matches()) {
                    marker = m.group(1);
                }
            }
            int start = i;
            StringBuilder code = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                code.append(lines.get(i)).append('\n');
            }
            if (i == lines.size()) {
                throw new AssertionError(doc + ":" + (start + 1) + ": code block never closed");
            }
            blocks.add(new DocBlocks(doc, start + 1, open.group(1), marker, code.toString()));
        }
        return blocks;
    }

    /** The one block of {@code doc} whose marker is exactly {@code marker}. */
    static DocBlocks marked(Path doc, String marker) {
        List<DocBlocks> found = of(doc).stream().filter(b -> b.marker().equals(marker)).toList();
        if (found.size() != 1) {
            throw new AssertionError(doc + " must have exactly one block marked <!-- " + marker + " -->, has " + found.size());
        }
        return found.get(0);
    }

    /** Where the block is, for messages: {@code docs/servlet.md:42}. */
    String where() {
        return root().relativize(file) + ":" + line;
    }
}
