package dev.apikey.cli;

import dev.apikey.Environment;
import dev.apikey.KeyFormat;
import dev.apikey.KeyStatus;
import dev.apikey.store.FileKeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code apikey leak} against a file store: found strings in, keys of ours revoked, nothing echoed. */
class LeakCommandTest {
    @TempDir
    Path dir;

    private String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ApiKeyCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    private String issue(String store) {
        Matcher m = Pattern.compile("(?m)^key:\\s+(\\S+)").matcher(run("issue", "--store", store, "--owner", "app")[1]);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @Test
    void keysOfOursAreRevokedAndEachLineIsAnsweredWithoutTheString() throws Exception {
        String store = "file:" + dir.resolve("keys.json");
        run("issue", "--store", store, "--create", "--owner", "first");
        String leaked = issue(store);
        String stranger = KeyFormat.ofDefaults().generate(Environment.LIVE).reveal();
        Path found = Files.writeString(dir.resolve("found.txt"), leaked + "\n\n" + stranger + "\nnot a key\n");

        String[] r = run("leak", "--store", store, "--from", found.toString());

        assertThat(r[0]).as(r[2]).isEqualTo("1");
        assertThat(r[1].lines().toList()).hasSize(3);
        assertThat(r[1].lines().toList().get(0)).matches("ours key_\\S+ revoked");
        assertThat(r[1].lines().toList().subList(1, 3)).containsExactly("not-ours unknown", "not-ours malformed");
        assertThat(r[1] + r[2]).doesNotContain(leaked).doesNotContain(stranger);
        assertThat(FileKeyStore.builder(dir.resolve("keys.json")).build().list(dev.apikey.spi.KeyQuery.byOwner("app")))
                .singleElement().satisfies(k -> assertThat(k.status()).isEqualTo(KeyStatus.REVOKED));
    }

    @Test
    void nothingOfOursExitsZeroAndABadActionExitsTwo() throws Exception {
        String store = "file:" + dir.resolve("keys.json");
        run("issue", "--store", store, "--create", "--owner", "first");
        Path found = Files.writeString(dir.resolve("found.txt"), "nothing here\n");
        assertThat(run("leak", "--store", store, "--from", found.toString())[0]).isEqualTo("0");
        assertThat(run("leak", "--store", store, "--from", found.toString(), "--action", "delete")[0]).isEqualTo("2");
    }
}
