package dev.apikey.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A real git repository in a temporary folder, driven by the {@code git} command. */
final class TestRepo {
    /** What a git command printed and returned. */
    record Git(int code, String out) {
    }

    /** A change that deletes the file (compared by identity). */
    static final byte[] DELETE = new byte[0];

    final Path dir;
    private final Map<String, String> env = new HashMap<>();

    TestRepo(Path dir) {
        this.dir = dir;
        env.putAll(Map.of("GIT_AUTHOR_NAME", "T", "GIT_AUTHOR_EMAIL", "t@example.org", "GIT_COMMITTER_NAME", "T",
                "GIT_COMMITTER_EMAIL", "t@example.org", "GIT_CONFIG_NOSYSTEM", "1", "GIT_CONFIG_GLOBAL", "/dev/null"));
        ok("init", "-q", "-b", "main");
    }

    /** Prepends a folder to the PATH that git and its hooks see. */
    void prependPath(Path bin) {
        env.put("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
    }

    /** Runs git in the repository, with {@code stdin} as its input (or none). */
    Git run(byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("git %s finished", args[0]).isTrue();
        return new Git(p.exitValue(), out);
    }

    /** Runs git and asserts that it succeeded; returns what it printed. */
    String ok(String... args) {
        try {
            Git g = run(null, args);
            assertThat(g.code()).as("git %s: %s", String.join(" ", args), g.out()).isZero();
            return g.out();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    void write(String path, String content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.ISO_8859_1);
    }

    /**
     * Builds history in one {@code git fast-import}: {@code commits} maps a commit number (from 1, all on main) to
     * the changes it makes on top of a routine edit; returns each commit's id by number.
     */
    Map<Integer, String> history(int count, Map<Integer, Map<String, byte[]>> changes) throws Exception {
        StringBuilder s = new StringBuilder();
        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        for (int i = 1; i <= count; i++) {
            s.setLength(0);
            s.append("commit refs/heads/main\nmark :").append(i).append("\ncommitter T <t@example.org> ")
                    .append(1_700_000_000L + i * 60).append(" +0000\n");
            String msg = "commit " + i + "\n";
            s.append("data ").append(msg.length()).append('\n').append(msg);
            String routine = "version " + i + "\n";
            s.append("M 100644 inline src/f").append(i % 10).append(".txt\ndata ").append(routine.length()).append('\n')
                    .append(routine);
            stream.write(s.toString().getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> c : changes.getOrDefault(i, Map.of()).entrySet()) {
                if (c.getValue() == DELETE) {
                    stream.write(("D " + c.getKey() + "\n").getBytes(StandardCharsets.UTF_8));
                } else {
                    stream.write(("M 100644 inline " + c.getKey() + "\ndata " + c.getValue().length + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                    stream.write(c.getValue());
                    stream.write('\n');
                }
            }
            stream.write('\n');
        }
        Path marks = Files.createTempFile(dir.getParent(), "marks", ".txt");
        Git g = run(stream.toByteArray(), "fast-import", "--quiet", "--export-marks=" + marks);
        assertThat(g.code()).as("fast-import: %s", g.out()).isZero();
        ok("reset", "-q", "--hard", "main");
        Map<Integer, String> ids = new HashMap<>();
        for (String line : Files.readAllLines(marks)) {
            String[] p = line.split(" ");
            ids.put(Integer.parseInt(p[0].substring(1)), p[1]);
        }
        return ids;
    }
}
