package dev.apikey.cli;

import dev.apikey.store.FileKeyStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code apikey update} against a file store: what changes, {@code --if-version}, and clear errors. */
class UpdateCommandTest {
    @TempDir
    Path dir;
    private String id;

    private String store() {
        return "file:" + dir.resolve("keys.json");
    }

    private static String field(String out, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(.+)$").matcher(out);
        assertThat(m.find()).as(name + " in " + out).isTrue();
        return m.group(1).trim();
    }

    @BeforeEach
    void issue() {
        FileKeyStore.builder(dir.resolve("keys.json")).build();
        CliRun issued = CliRun.of("issue", "--store", store(), "--owner", "billing-app", "-s", "billing:read",
                "--rate-limit", "100/1s", "--label", "plan=gold");
        assertThat(issued.code()).as(issued.err()).isZero();
        id = field(issued.out(), "id");
    }

    @Test
    void onlyTheGivenOptionsChangeAndTheVersionMovesOn() {
        CliRun r = CliRun.of("update", "--store", store(), id, "-s", "billing:read", "-s", "billing:write",
                "--no-rate-limit", "--label", "plan=silver", "--description", "invoice writer",
                "--expires-at", "2099-01-01T00:00:00Z", "--if-version", "1");

        assertThat(r.code()).as(r.err()).isZero();
        String shown = CliRun.of("show", "--store", store(), id).out();
        assertThat(field(shown, "scopes")).isEqualTo("billing:read billing:write");
        assertThat(shown).doesNotContain("rateLimit:");
        assertThat(field(shown, "labels")).isEqualTo("{plan=silver}");
        assertThat(field(shown, "description")).isEqualTo("invoice writer");
        assertThat(field(shown, "expires")).isEqualTo("2099-01-01T00:00:00Z");
        assertThat(field(shown, "owner")).isEqualTo("billing-app");
        assertThat(field(shown, "version")).isEqualTo("2");
    }

    @Test
    void sharedLimitsAndCreditsAreGivenAtIssueAndInPlace() {
        CliRun issued = CliRun.of("issue", "--store", store(), "--owner", "billing-app", "--rate-limit",
                "10/1s, 1000/1h per owner", "--quota", "5000/month per owner", "--credits", "100", "--credits-per", "owner");
        assertThat(issued.code()).as(issued.err()).isZero();
        String shown = CliRun.of("show", "--store", store(), field(issued.out(), "id")).out();
        assertThat(field(shown, "rateLimit")).isEqualTo("10/1s, 1000/1h per owner");
        assertThat(field(shown, "quota")).isEqualTo("5000/month per owner");
        assertThat(field(shown, "credits")).isEqualTo("100 per owner");

        assertThat(CliRun.of("update", "--store", store(), id, "--credits", "50", "--credits-per", "owner").code()).isZero();
        assertThat(field(CliRun.of("show", "--store", store(), id).out(), "credits")).isEqualTo("50 per owner");
        CliRun bad = CliRun.of("update", "--store", store(), id, "--credits-per", "everyone", "--credits", "5");
        assertThat(bad.code()).isEqualTo(ApiKeyCli.ERROR);
        assertThat(bad.err()).contains("owner or tenant");
        assertThat(CliRun.of("update", "--store", store(), id, "--credits-per", "owner").code()).isEqualTo(ApiKeyCli.ERROR);
    }

    @Test
    void aStaleVersionExitsWithAnErrorAndChangesNothing() {
        assertThat(CliRun.of("update", "--store", store(), id, "--description", "first").code()).isZero();

        CliRun stale = CliRun.of("update", "--store", store(), id, "--description", "second", "--if-version", "1");

        assertThat(stale.code()).isEqualTo(ApiKeyCli.ERROR);
        assertThat(stale.err()).startsWith("apikey: error: ").contains(id);
        assertThat(field(CliRun.of("show", "--store", store(), id).out(), "description")).isEqualTo("first");
    }

    @Test
    void contradictoryEmptyOrInvalidUpdatesAreRefusedWithOneLine() {
        for (String[] args : new String[][] {
                {"--quota", "10/day", "--no-quota"},
                {},
                {"--expires-at", "2000-01-01T00:00:00Z"},
                {"--rate-limit", "lots"},
                {"--description", "a\u001b[2Jb"}}) {
            String[] full = new String[4 + args.length];
            full[0] = "update";
            full[1] = "--store";
            full[2] = store();
            full[3] = id;
            System.arraycopy(args, 0, full, 4, args.length);
            CliRun r = CliRun.of(full);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(ApiKeyCli.ERROR);
            assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
        }
        assertThat(field(CliRun.of("show", "--store", store(), id).out(), "version")).isEqualTo("1");
    }
}
