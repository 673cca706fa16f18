package dev.apikey.cli;

import dev.apikey.ApiKey;
import dev.apikey.Environment;
import dev.apikey.KeyFormat;
import dev.apikey.KeyHasher;
import dev.apikey.KeyIds;
import dev.apikey.KeyRecord;
import dev.apikey.ScopeSet;
import dev.apikey.json.StrictJson;
import dev.apikey.spi.KeyStore;
import dev.apikey.store.FileKeyStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code apikey review} and the governance options of {@code apikey issue} over a file store, on a fixed clock. */
class ReviewCommandTest {
    static final Instant NOW = Instant.parse("2030-06-01T00:00:00Z");

    @TempDir
    Path dir;
    private Clock saved;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ApiKeyCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeEach
    void fixedClock() {
        saved = StoreOptions.clock;
        StoreOptions.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    }

    @AfterEach
    void restoreClock() {
        StoreOptions.clock = saved;
    }

    private String store() {
        return "file:" + dir.resolve("keys.json");
    }

    /** A record as a store holds it: a well-kept key (described, used yesterday, expiring in 200 days). */
    static KeyRecord.Builder kept(String owner) {
        ApiKey key = KeyFormat.ofDefaults().generate(Environment.LIVE);
        return KeyRecord.builder().id(KeyIds.newId()).digest(KeyHasher.sha256().digest(key)).hint(key.hint())
                .owner(owner).scopes(ScopeSet.parse("billing:read")).created(NOW.minus(Duration.ofDays(365)))
                .description("invoice export").lastUsed(NOW.minus(Duration.ofDays(1)))
                .expires(NOW.plus(Duration.ofDays(200)));
    }

    /** Three keys: one well kept, one neglected in every way, one whose review day has come. */
    static void fill(KeyStore store) {
        store.create(kept("billing-app").build());
        store.create(kept("unknown").description(null).lastUsed(null).expires(null)
                .scopes(ScopeSet.parse("billing:*")).build());
        store.create(kept("reports").reviewAfter(LocalDate.of(2030, 5, 31)).build());
    }

    @Test
    void issueTakesADescriptionAndAReviewDayThatShowAndTheFileKeeps() throws Exception {
        Result issued = run("issue", "--store", store(), "--create", "--owner", "exports", "-s", "billing:read",
                "--description", "nightly invoice export", "--review-after", "2030-12-31");
        assertThat(issued.code()).as(issued.err()).isZero();
        String id = issued.out().lines().filter(l -> l.startsWith("id:")).findFirst().orElseThrow().substring(4).trim();

        Result shown = run("show", "--store", store(), id);
        assertThat(shown.out()).contains("description:  nightly invoice export").contains("reviewAfter:  2030-12-31");
        assertThat(Files.readString(dir.resolve("keys.json"))).contains("\"format\" : 3")
                .contains("\"reviewAfter\" : \"2030-12-31\"");

        Result bad = run("issue", "--store", store(), "--owner", "x", "--description", "a\u001b[2Jb");
        assertThat(bad.code()).isEqualTo(ApiKeyCli.ERROR);
        assertThat(bad.err()).startsWith("apikey: error: description contains control characters");
        assertThat(run("issue", "--store", store(), "--owner", "x", "--review-after", "soon").code())
                .isEqualTo(ApiKeyCli.ERROR);
    }

    @Test
    void issueTakesLabelsThatShowLists() {
        Result issued = run("issue", "--store", store(), "--create", "--owner", "exports", "-s", "billing:read",
                "--label", "plan=gold", "--label", "customer=C-42");
        assertThat(issued.code()).as(issued.err()).isZero();
        String id = issued.out().lines().filter(l -> l.startsWith("id:")).findFirst().orElseThrow().substring(4).trim();

        assertThat(run("show", "--store", store(), id).out()).contains("plan=gold").contains("customer=C-42");
        Result bad = run("issue", "--store", store(), "--owner", "x", "--label", "plan");
        assertThat(bad.code()).isEqualTo(ApiKeyCli.ERROR);
        assertThat(bad.err()).contains("--label");
    }

    @Test
    void theTableListsEachFindingOfEachKeyAndASummary() {
        fill(FileKeyStore.builder(dir.resolve("keys.json")).build());

        Result r = run("review", "--store", store());

        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("ID").contains("OWNER").contains("FINDING").contains("DETAIL");
        assertThat(lines).filteredOn(l -> l.contains(" unknown ")).extracting(l -> l.split("\\s+")[2])
                .containsExactly("never-used", "no-expiry", "no-owner", "no-purpose", "wildcard-scope");
        assertThat(lines).filteredOn(l -> l.contains(" reports ")).singleElement().asString()
                .contains("review-due").contains("due for review since 2030-05-31");
        assertThat(r.out()).doesNotContain("billing-app");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("2 of 3 keys have findings: never-used=1 no-expiry=1 "
                + "review-due=1 no-owner=1 no-purpose=1 wildcard-scope=1");
    }

    @Test
    void jsonIsOneDocumentForTools() {
        fill(FileKeyStore.builder(dir.resolve("keys.json")).build());

        Result r = run("review", "--store", store(), "--format", "json", "--unused-days", "30", "--expiring-days", "365");

        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Object> doc = StrictJson.object(r.out().getBytes(StandardCharsets.UTF_8));
        assertThat(doc).containsEntry("unusedDays", 30).containsEntry("expiringDays", 365)
                .containsEntry("reviewedAt", NOW.toString()).containsEntry("reviewed", 3).containsEntry("flagged", 3);
        @SuppressWarnings("unchecked")
        Map<String, Object> counts = (Map<String, Object>) doc.get("counts");
        assertThat(counts).containsEntry("expiring", 2).containsEntry("never-used", 1).containsEntry("in-grace", 0);
        assertThat((List<?>) doc.get("keys")).hasSize(3);
        assertThat(r.out()).doesNotContain("digest");
    }

    @Test
    void failOnExitsOneWhenAListedFindingTurnsUpAndTwoOnAnError() {
        fill(FileKeyStore.builder(dir.resolve("keys.json")).build());

        assertThat(run("review", "--store", store(), "--fail-on", "review-due").code()).isEqualTo(1);
        assertThat(run("review", "--store", store(), "--fail-on", "any").code()).isEqualTo(1);
        assertThat(run("review", "--store", store(), "--fail-on", "in-grace,expiring").code()).isZero();
        assertThat(run("review", "--store", store(), "--owner", "billing-app", "--fail-on", "any").code()).isZero();

        Result typo = run("review", "--store", store(), "--fail-on", "review-due,stale");
        assertThat(typo.code()).isEqualTo(ApiKeyCli.ERROR);
        assertThat(typo.err()).contains("unknown finding 'stale'").contains("never-used");
        assertThat(typo.err().lines().count()).isEqualTo(1);
        assertThat(run("review", "--store", store(), "--format", "xml").code()).isEqualTo(ApiKeyCli.ERROR);
        assertThat(run("review", "--store", store(), "--unused-days", "0").code()).isEqualTo(ApiKeyCli.ERROR);
        assertThat(run("review", "--store", "file:" + dir.resolve("missing.json"), "--fail-on", "any").code())
                .isEqualTo(ApiKeyCli.ERROR);
    }
}
