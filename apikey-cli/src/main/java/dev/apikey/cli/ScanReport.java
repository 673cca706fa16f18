package dev.apikey.cli;

import dev.apikey.Text;
import dev.apikey.json.StrictJson;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outputs of {@code apikey scan}: text for people, JSON for scripts, SARIF 2.1.0 for code scanning. Every one
 * shows a key's redacted form only (prefix, environment, last 4 chars); the key itself is never written.
 */
final class ScanReport {
    /** The rule every finding is reported under. */
    static final String RULE_ID = "apikey/leaked-key";
    static final String SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    static final String INFORMATION_URI = "https://apikey.dev/";
    /** Longer paths are shortened in text output. */
    static final int PATH_MAX = 1024;

    private ScanReport() {
    }

    /** One line per finding ({@code [COMMIT:]FILE:LINE: ak_live_…x9Qz}), then the count and what was skipped. */
    static void text(ScanResult r, PrintWriter out) {
        for (ScanResult.Finding f : r.findings) {
            // A path is the scanned content's to choose: escaped, it cannot forge lines or drive the terminal.
            out.println((f.commit() == null ? "" : f.commit() + ":") + Text.safe(f.file(), PATH_MAX) + ":" + f.line()
                    + ": " + f.redacted());
        }
        out.println(r.findings.size() + (r.findings.size() == 1 ? " key found" : " keys found") + skipped(r));
    }

    private static String skipped(ScanResult r) {
        List<String> parts = new ArrayList<>();
        if (r.skippedLarge > 0) {
            parts.add(r.skippedLarge + " larger than " + r.maxBytes + " bytes");
        }
        if (r.skippedBinary > 0) {
            parts.add(r.skippedBinary + " binary");
        }
        return parts.isEmpty() ? "" : " (skipped: " + String.join(", ", parts) + ")";
    }

    /** One JSON document: the findings, the counts of skipped files or blobs, and the read errors. */
    static String json(ScanResult r) {
        List<Object> findings = new ArrayList<>();
        for (ScanResult.Finding f : r.findings) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", f.file());
            m.put("line", f.line());
            m.put("column", f.column());
            if (f.commit() != null) {
                m.put("commit", f.commit());
            }
            m.put("prefix", f.key().prefix());
            m.put("environment", f.key().environment().token());
            // Only matches whose checksum verifies are findings; the field says so to a reader of the document.
            m.put("checksum", "valid");
            m.put("redacted", f.redacted());
            m.put("fingerprint", f.fingerprint());
            findings.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("tool", "apikey scan");
        doc.put("version", ApiKeyCli.VERSION);
        doc.put("count", r.findings.size());
        doc.put("findings", findings);
        doc.put("skipped", Map.of("large", r.skippedLarge, "binary", r.skippedBinary));
        doc.put("errors", r.errors);
        return StrictJson.write(doc);
    }

    /** A SARIF 2.1.0 log with one run, one rule and one result per finding. */
    static String sarif(ScanResult r) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("id", RULE_ID);
        rule.put("name", "LeakedApiKey");
        rule.put("shortDescription", Map.of("text", "An API key of the apikey format is in the scanned content"));
        rule.put("fullDescription", Map.of("text", "A string with a valid apikey prefix, environment and checksum: "
                + "almost certainly a real key, readable by anyone who can read this content."));
        rule.put("help", Map.of("text", "Revoke the key (apikey revoke, or apikey scan --revoke), issue a new one "
                + "and keep it in a secret store; removing the line does not help once the key is committed.",
                "markdown", "**Revoke the key** (`apikey revoke ID`, or `apikey scan --revoke`), issue a new one and "
                + "keep it in a secret store. Removing the line does not help once the key is committed or published."));
        rule.put("defaultConfiguration", Map.of("level", "error"));
        rule.put("properties", Map.of("security-severity", "9.0", "tags", List.of("security", "secret")));

        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "apikey scan");
        driver.put("version", ApiKeyCli.VERSION);
        driver.put("informationUri", INFORMATION_URI);
        driver.put("rules", List.of(rule));

        List<Object> results = new ArrayList<>();
        for (ScanResult.Finding f : r.findings) {
            Map<String, Object> region = Map.of("startLine", f.line(), "startColumn", f.column(),
                    "endColumn", f.column() + f.key().bytes().length);
            Map<String, Object> physical = Map.of("artifactLocation", Map.of("uri", f.uri()), "region", region);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("ruleId", RULE_ID);
            result.put("ruleIndex", 0);
            result.put("level", "error");
            result.put("message", Map.of("text", "API key " + f.redacted() + " (" + f.key().environment().token()
                    + ") found" + (f.commit() == null ? "" : " in commit " + f.commit())));
            result.put("locations", List.of(Map.of("physicalLocation", physical)));
            result.put("partialFingerprints", Map.of("apikeyFinding/v1", f.fingerprint()));
            if (f.commit() != null) {
                result.put("properties", Map.of("commit", f.commit()));
            }
            results.add(result);
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("tool", Map.of("driver", driver));
        run.put("results", results);
        Map<String, Object> log = new LinkedHashMap<>();
        log.put("$schema", SARIF_SCHEMA);
        log.put("version", "2.1.0");
        log.put("runs", List.of(run));
        return StrictJson.write(log);
    }
}
