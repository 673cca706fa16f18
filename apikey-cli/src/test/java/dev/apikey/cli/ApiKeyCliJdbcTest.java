package dev.apikey.cli;

import dev.apikey.KeyDigest;
import dev.apikey.KeyFormat;
import dev.apikey.KeyHasher;
import dev.apikey.jdbc.PostgresSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --store jdbc:postgresql://...} against the real PostgreSQL server, the password from the environment only. */
class ApiKeyCliJdbcTest {
    @RegisterExtension
    static final PostgresSchema DB = new PostgresSchema();

    private Function<String, String> saved;

    record Result(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeEach
    void passwordFromTheEnvironment() throws Exception {
        saved = StoreOptions.environment;
        StoreOptions.environment = System::getenv;
        DB.truncate();
    }

    @AfterEach
    void restore() {
        StoreOptions.environment = saved;
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ApiKeyCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private static String field(String out, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\S+)").matcher(out);
        assertThat(m.find()).as(name + " in " + out).isTrue();
        return m.group(1);
    }

    @Test
    void issueListShowRevokeAgainstPostgres() throws Exception {
        Result issued = run("issue", "--store", DB.url(), "--create", "--owner", "billing-app", "-s", "billing:read",
                "--quota", "1000/day");
        assertThat(issued.code()).as(issued.err()).isZero();
        String id = field(issued.out(), "id");
        String key = field(issued.out(), "key");
        assertThat(KeyFormat.ofDefaults().isValid(key)).isTrue();
        KeyDigest digest = KeyHasher.sha256().digest(KeyFormat.ofDefaults().parse(key));
        assertThat(DB.queryString("SELECT id FROM apikey_keys WHERE digest = '" + digest.encoded() + "'")).isEqualTo(id);

        Result list = run("list", "--store", DB.url());
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains(id).contains("billing-app").contains("ACTIVE").doesNotContain(key);
        assertThat(run("show", "--store", DB.url(), id).out()).contains("1000/day").doesNotContain(key);

        Result revoked = run("revoke", "--store", DB.url(), id);
        assertThat(revoked.code()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("REVOKED");
        assertThat(DB.queryString("SELECT status FROM apikey_keys WHERE id = '" + id + "'")).isEqualTo("REVOKED");
    }

    @Test
    void importUpdateAndSharedLimitsAgainstPostgres() throws Exception {
        Path csv = Files.createTempFile("import", ".csv");
        Files.writeString(csv, "key,owner,scopes,quota\nsk_live_51HxLegacyPartnerKey0042,partner-x,billing:read,"
                + "5000/month per owner\n");
        Result imported = run("import", "--store", DB.url(), "--create", csv.toString());
        assertThat(imported.code()).as(imported.all()).isZero();
        assertThat(imported.out()).contains("(legacy)").doesNotContain("LegacyPartnerKey");
        String id = DB.queryString("SELECT id FROM apikey_keys WHERE legacy");
        assertThat(DB.queryString("SELECT quota FROM apikey_keys WHERE id = '" + id + "'")).isEqualTo("5000/month per owner");
        assertThat(run("import", "--store", DB.url(), csv.toString()).out()).contains("skipped 1 already stored");

        Result updated = run("update", "--store", DB.url(), id, "--credits", "100", "--credits-per", "owner",
                "--if-version", "1");
        assertThat(updated.code()).as(updated.err()).isZero();
        assertThat(DB.queryString("SELECT credits || ' ' || credits_per || ' ' || version FROM apikey_keys WHERE id = '"
                + id + "'")).isEqualTo("100 owner 2");
        assertThat(run("update", "--store", DB.url(), id, "--description", "x", "--if-version", "1").code())
                .isEqualTo(ApiKeyCli.ERROR);
        assertThat(run("review", "--store", DB.url(), "--fail-on", "legacy").code()).isEqualTo(1);
    }

    @Test
    void reviewReadsThePostgresStoreAndFailOnGivesTheExitCode() throws Exception {
        java.time.Clock saved = StoreOptions.clock;
        StoreOptions.clock = java.time.Clock.fixed(ReviewCommandTest.NOW, java.time.ZoneOffset.UTC);
        try {
            ReviewCommandTest.fill(StoreOptions.openStore(DB.url(), null, null, true));
            Result issued = run("issue", "--store", DB.url(), "--owner", "exports", "--description", "nightly export",
                    "--review-after", "2030-07-01", "--expires-in", "P10D");
            assertThat(issued.code()).as(issued.err()).isZero();
            String id = field(issued.out(), "id");
            assertThat(DB.queryString("SELECT description || ' ' || review_after FROM apikey_keys WHERE id = '" + id + "'"))
                    .isEqualTo("nightly export 2030-07-01");

            Result table = run("review", "--store", DB.url(), "--fail-on", "expiring");
            assertThat(table.code()).as(table.err()).isEqualTo(1);
            assertThat(table.out()).contains(id + " ").contains("expiring").contains("review-due")
                    .endsWith("3 of 4 keys have findings: never-used=1 no-expiry=1 expiring=1 review-due=1 no-owner=1 "
                            + "no-purpose=1 wildcard-scope=1" + System.lineSeparator());

            Result json = run("review", "--store", DB.url(), "--format", "json", "--fail-on", "in-grace");
            assertThat(json.code()).as(json.err()).isZero();
            assertThat(dev.apikey.json.StrictJson.object(json.out().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .containsEntry("reviewed", 4).containsEntry("flagged", 3);
        } finally {
            StoreOptions.clock = saved;
        }
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithoutEchoingIt() {
        String secret = "s3cr3t-Do-Not-Print";
        for (String url : new String[] {DB.url() + "&password=" + secret, DB.url() + "&PASSWORD=" + secret,
                DB.url() + "&sslpassword=" + secret, "jdbc:postgresql://me:" + secret + "@127.0.0.1/db"}) {
            Result r = run("list", "--store", url);
            assertThat(r.code()).isEqualTo(ApiKeyCli.ERROR);
            assertThat(r.err()).as(url).contains("APIKEY_JDBC_PASSWORD").doesNotContain(secret);
            assertThat(r.err().lines().count()).isEqualTo(1);
            assertThat(r.out()).doesNotContain(secret);
        }
    }

    @Test
    void aWrongPasswordIsOneLineThatHoldsNoPassword() {
        String wrong = "wrong-Password-42";
        StoreOptions.environment = Map.of(PostgresSchema.PASSWORD_ENV, wrong)::get;
        Result r = run("list", "--store", DB.url());
        assertThat(r.code()).isEqualTo(ApiKeyCli.ERROR);
        assertThat(r.err()).startsWith("apikey: error: ").doesNotContain(wrong);
        assertThat(r.err().lines().count()).isEqualTo(1);
    }

    @Test
    void anotherKindOfUrlIsRefused() {
        Result r = run("list", "--store", "jdbc:mysql://127.0.0.1/db");
        assertThat(r.code()).isEqualTo(ApiKeyCli.ERROR);
        assertThat(r.err()).contains("jdbc:postgresql://");
    }
}
