package dev.apikey.internal;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.apikey.KeyRecord;
import dev.apikey.spi.TestRecords;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordJsonTest {

    @Test
    void everyFieldRoundTrips() {
        KeyRecord full = TestRecords.full();
        KeyRecord back = RecordJson.fromJson(RecordJson.toJson(full), 0);
        assertThat(back).usingRecursiveComparison().isEqualTo(full);
        assertThat(back.digest()).isEqualTo(full.digest());
    }

    @Test
    void minimalRecordRoundTripsWithAbsentOptionalsStayingAbsent() {
        KeyRecord min = TestRecords.record();
        Map<String, Object> json = RecordJson.toJson(min);
        assertThat(json).doesNotContainKeys("tenant", "notBefore", "expires", "rateLimitPolicy", "quota", "credits",
                "lastUsed", "replaces", "replacedBy", "lineage", "description", "reviewAfter");
        assertThat(RecordJson.fromJson(json, 0)).usingRecursiveComparison().isEqualTo(min);
    }

    @Test
    void documentRoundTripsThroughBytes() {
        List<KeyRecord> records = List.of(TestRecords.full(), TestRecords.record(), TestRecords.record("b", "t"));
        byte[] bytes = RecordJson.writeDocument(records);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("{").contains("\"format\" : 5");
        assertThat(RecordJson.readDocument(bytes)).usingRecursiveFieldByFieldElementComparator().isEqualTo(records);
    }

    @Test
    void aRecordStoredBeforeLineageExistedReadsAsItsOwnLineage() {
        Map<String, Object> json = RecordJson.toJson(TestRecords.full());
        json.remove("lineage");

        KeyRecord back = RecordJson.fromJson(json, 0);

        assertThat(back.lineage()).isSameAs(back.id());
    }

    @Test
    void aDocumentWithoutSuccessorsStaysInFormat1SoOlderVersionsKeepReadingIt() {
        byte[] bytes = RecordJson.writeDocument(List.of(TestRecords.record(), TestRecords.record("b", "t")));

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"format\" : 1").doesNotContain("lineage");
        assertThat(RecordJson.readDocument(bytes)).allSatisfy(r -> assertThat(r.lineage()).isEqualTo(r.id()));
    }

    @Test
    void aSuccessorsLineageIsWrittenInFormat2AndReadBack() {
        KeyRecord first = TestRecords.record();
        KeyRecord successor = TestRecords.builder().replaces(first.id()).lineage(first.lineage()).build();

        byte[] bytes = RecordJson.writeDocument(List.of(first, successor));

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"format\" : 2")
                .contains("\"lineage\" : \"" + first.id() + "\"");
        assertThat(RecordJson.readDocument(bytes)).extracting(KeyRecord::lineage).containsExactly(first.id(), first.id());
    }

    @Test
    void governanceFieldsAreWrittenInFormat3AndReadBack() {
        KeyRecord plain = TestRecords.record();
        KeyRecord described = TestRecords.builder().description("CI deploys").reviewAfter(LocalDate.of(2027, 6, 30))
                .build();

        byte[] bytes = RecordJson.writeDocument(List.of(plain, described));

        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"format\" : 3")
                .contains("\"description\" : \"CI deploys\"").contains("\"reviewAfter\" : \"2027-06-30\"");
        assertThat(RecordJson.readDocument(bytes)).usingRecursiveFieldByFieldElementComparator()
                .containsExactly(plain, described);
    }

    @Test
    void aFormat2DocumentWrittenBeforeGovernanceFieldsStillLoads() {
        String old = "{\"format\":2,\"keys\":[{\"id\":\"key_old1\",\"digest\":\"" + TestRecords.randomDigest().encoded()
                + "\",\"hint\":\"ak_live_x\",\"owner\":\"team-a\",\"environment\":\"live\",\"scopes\":[],"
                + "\"created\":\"2025-01-15T10:00:00Z\",\"status\":\"ACTIVE\",\"lineage\":\"key_old0\",\"version\":3}]}";

        KeyRecord r = RecordJson.readDocument(old.getBytes(StandardCharsets.UTF_8)).get(0);

        assertThat(r.description()).isNull();
        assertThat(r.reviewAfter()).isNull();
        assertThat(r.lineage()).isEqualTo("key_old0");
    }

    @Test
    void aDescriptionWithControlCharactersOrABadReviewDayIsRejectedWithTheField() {
        Map<String, Object> json = RecordJson.toJson(TestRecords.record());
        json.put("description", "ok\u001b[2Jforged");
        assertThatThrownBy(() -> RecordJson.fromJson(json, 0)).isInstanceOfSatisfying(RecordFormatException.class,
                e -> assertThat(e.field()).isEqualTo("description"));
        json.put("description", "x".repeat(KeyRecord.MAX_DESCRIPTION + 1));
        assertThatThrownBy(() -> RecordJson.fromJson(json, 0)).isInstanceOfSatisfying(RecordFormatException.class,
                e -> assertThat(e.field()).isEqualTo("description"));
        json.remove("description");
        json.put("reviewAfter", "next spring");
        assertThatThrownBy(() -> RecordJson.fromJson(json, 0)).isInstanceOfSatisfying(RecordFormatException.class,
                e -> assertThat(e.field()).isEqualTo("reviewAfter"));
    }

    @Test
    void aLineageThatIsNoKeyIdIsRejectedWithTheField() {
        Map<String, Object> json = RecordJson.toJson(TestRecords.record());
        json.put("lineage", "not an id");
        assertThatThrownBy(() -> RecordJson.fromJson(json, 0))
                .isInstanceOfSatisfying(RecordFormatException.class, e -> assertThat(e.field()).isEqualTo("lineage"));
    }

    @Test
    void valuesUseTheirTextForms() {
        Map<String, Object> json = RecordJson.toJson(TestRecords.full());
        assertThat((String) json.get("digest")).startsWith("sha256:");
        assertThat(json.get("environment")).isEqualTo("test");
        assertThat(json.get("status")).isEqualTo("SUSPENDED");
        assertThat(json.get("rateLimitPolicy")).isEqualTo("100/1s burst 20, 10000/1d per owner");
        assertThat(json.get("quota")).isEqualTo("5000/month per tenant");
        assertThat(json.get("creditsPer")).isEqualTo("owner");
        assertThat(json.get("allowedCidrs")).isEqualTo(List.of("10.0.0.0/8", "2001:db8:0:0:0:0:0:0/32"));
        assertThat(json.get("created")).isEqualTo("2025-01-15T10:00:00Z");
        assertThat(json.get("credits")).isEqualTo(250L);
    }

    @Test
    void unknownStatusNamesIndexIdAndField() {
        Map<String, Object> json = RecordJson.toJson(TestRecords.record());
        json.put("status", "BOGUS");
        assertThatThrownBy(() -> RecordJson.fromJson(json, 3))
                .isInstanceOfSatisfying(RecordFormatException.class, e -> {
                    assertThat(e.index()).isEqualTo(3);
                    assertThat(e.id()).isEqualTo(json.get("id"));
                    assertThat(e.field()).isEqualTo("status");
                })
                .hasMessageContaining("entry 3")
                .hasMessageContaining((String) json.get("id"))
                .hasMessageContaining("'status'")
                .hasMessageContaining("BOGUS");
    }

    @Test
    void badDigestIsNamedWithoutItsValue() {
        Map<String, Object> json = RecordJson.toJson(TestRecords.record());
        String mangled = ((String) json.get("digest")).substring(0, 30);
        json.put("digest", mangled);
        assertThatThrownBy(() -> RecordJson.fromJson(json, 0))
                .isInstanceOfSatisfying(RecordFormatException.class, e -> assertThat(e.field()).isEqualTo("digest"))
                .message().doesNotContain(mangled).doesNotContain(mangled.substring(7));
    }

    @Test
    void missingRequiredFieldIsNamed() {
        Map<String, Object> json = RecordJson.toJson(TestRecords.record());
        json.remove("owner");
        assertThatThrownBy(() -> RecordJson.fromJson(json, 1))
                .isInstanceOfSatisfying(RecordFormatException.class, e -> assertThat(e.field()).isEqualTo("owner"))
                .hasMessageContaining("is required");
    }

    @Test
    void unknownFieldIsRejectedSoATypoCannotDropARestriction() {
        Map<String, Object> json = RecordJson.toJson(TestRecords.record());
        json.put("expire", "2030-01-01T00:00:00Z");
        assertThatThrownBy(() -> RecordJson.fromJson(json, 0))
                .isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("unknown field 'expire'");
    }

    @Test
    void wrongTypesAreRejectedWithTheField() {
        Map<String, Object> json = RecordJson.toJson(TestRecords.record());
        json.put("version", "1");
        assertThatThrownBy(() -> RecordJson.fromJson(json, 0))
                .isInstanceOfSatisfying(RecordFormatException.class, e -> assertThat(e.field()).isEqualTo("version"));
        Map<String, Object> json2 = RecordJson.toJson(TestRecords.record());
        json2.put("scopes", "billing:read");
        assertThatThrownBy(() -> RecordJson.fromJson(json2, 0))
                .isInstanceOfSatisfying(RecordFormatException.class, e -> assertThat(e.field()).isEqualTo("scopes"));
        Map<String, Object> json3 = RecordJson.toJson(TestRecords.record());
        json3.put("credits", 1.5);
        assertThatThrownBy(() -> RecordJson.fromJson(json3, 0))
                .isInstanceOfSatisfying(RecordFormatException.class, e -> assertThat(e.field()).isEqualTo("credits"));
    }

    @Test
    void crossFieldRuleIsAttributedToItsField() {
        Map<String, Object> json = RecordJson.toJson(TestRecords.record());
        json.put("notBefore", "2030-01-01T00:00:00Z");
        json.put("expires", "2029-01-01T00:00:00Z");
        assertThatThrownBy(() -> RecordJson.fromJson(json, 0))
                .isInstanceOfSatisfying(RecordFormatException.class,
                        e -> assertThat(e.field()).isEqualTo("notBefore"));
    }

    @Test
    void invalidJsonReportsThePlaceNotTheToken() {
        String secretish = "sha256AAAAbbbbCCCC";
        byte[] bad = ("{\"format\":1,\"keys\":[{\"digest\": " + secretish + "}]}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> RecordJson.readDocument(bad))
                .isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("line 1")
                .message().doesNotContain(secretish);
    }

    @Test
    void truncatedAndEmptyAndTrailingContentAreRejected() {
        byte[] good = RecordJson.writeDocument(List.of(TestRecords.record()));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
        assertThatThrownBy(() -> RecordJson.readDocument(truncated)).isInstanceOf(RecordFormatException.class);
        assertThatThrownBy(() -> RecordJson.readDocument(new byte[0]))
                .isInstanceOf(RecordFormatException.class).hasMessageContaining("empty");
        byte[] trailing = (new String(good, StandardCharsets.UTF_8) + " x").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> RecordJson.readDocument(trailing)).isInstanceOf(RecordFormatException.class);
    }

    @Test
    void sharedLimitsNeedFormatFourSoThatOlderReadersRefuseThemAsAFormatError() {
        KeyRecord governed = TestRecords.builder().description("export").build();
        assertThat(new String(RecordJson.writeDocument(List.of(governed)), StandardCharsets.UTF_8)).contains("\"format\" : 3");
        for (KeyRecord shared : List.of(
                TestRecords.builder().rateLimitPolicy(dev.apikey.RateLimitPolicy.parse("5/1s per owner")).build(),
                TestRecords.builder().quota(dev.apikey.Quota.parse("5/day per owner")).build(),
                TestRecords.builder().credits(5L).creditsPer(dev.apikey.Per.OWNER).build())) {
            byte[] bytes = RecordJson.writeDocument(List.of(governed, shared));
            assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"format\" : 4");
            assertThat(RecordJson.readDocument(bytes)).usingRecursiveFieldByFieldElementComparator()
                    .containsExactly(governed, shared);
        }
        Map<String, Object> bad = RecordJson.toJson(TestRecords.builder().credits(5L).build());
        bad.put("creditsPer", "everyone");
        assertThatThrownBy(() -> RecordJson.fromJson(bad, 0))
                .isInstanceOfSatisfying(RecordFormatException.class, e -> assertThat(e.field()).isEqualTo("creditsPer"));
    }

    @Test
    void wrongFormatNumberIsRejected() throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", 6);
        doc.put("keys", List.of());
        assertThatThrownBy(() -> RecordJson.readDocument(JSON.std.asBytes(doc)))
                .isInstanceOfSatisfying(RecordFormatException.class, e -> assertThat(e.field()).isEqualTo("format"));
    }

    @Test
    void duplicateIdOrDigestInOneDocumentIsRejected() {
        KeyRecord a = TestRecords.record();
        KeyRecord sameDigest = TestRecords.builder().digest(a.digest()).build();
        assertThatThrownBy(() -> RecordJson.readDocument(RecordJson.writeDocument(List.of(a, sameDigest))))
                .isInstanceOfSatisfying(RecordFormatException.class, e -> {
                    assertThat(e.index()).isEqualTo(1);
                    assertThat(e.field()).isEqualTo("digest");
                })
                .message().doesNotContain(a.digest().encoded().substring(7));
        KeyRecord sameId = TestRecords.builder().id(a.id()).build();
        assertThatThrownBy(() -> RecordJson.readDocument(RecordJson.writeDocument(List.of(a, sameId))))
                .isInstanceOfSatisfying(RecordFormatException.class, e -> assertThat(e.field()).isEqualTo("id"));
    }
}
