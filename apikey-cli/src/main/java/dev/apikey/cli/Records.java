package dev.apikey.cli;

import dev.apikey.KeyRecord;
import dev.apikey.Per;
import dev.apikey.Text;

import java.io.PrintWriter;

/** Prints records for humans: never the digest, never a key. */
final class Records {
    private Records() {
    }

    static void printRow(PrintWriter out, KeyRecord r) {
        out.printf("%-26s %-8s %-5s %-20s %-16s %s%n", r.id(), r.status(), r.environment().token(),
                r.owner(), r.hint(), String.join(" ", r.scopes().names()));
    }

    static void printHeader(PrintWriter out) {
        out.printf("%-26s %-8s %-5s %-20s %-16s %s%n", "ID", "STATUS", "ENV", "OWNER", "HINT", "SCOPES");
    }

    static void printDetail(PrintWriter out, KeyRecord r) {
        line(out, "id", r.id());
        line(out, "hint", r.hint());
        line(out, "owner", r.owner());
        line(out, "tenant", r.tenant());
        line(out, "environment", r.environment().token());
        line(out, "status", r.status().name());
        line(out, "scopes", String.join(" ", r.scopes().names()));
        line(out, "allowedCidrs", r.allowedCidrs().isEmpty() ? null : r.allowedCidrs().toString());
        line(out, "created", r.created());
        line(out, "notBefore", r.notBefore());
        line(out, "expires", r.expires());
        line(out, "rateLimit", r.rateLimitPolicy());
        line(out, "quota", r.quota());
        line(out, "credits", r.credits() == null || r.creditsPer() == Per.KEY ? r.credits()
                : r.credits() + " per " + r.creditsPer().word());
        line(out, "labels", r.labels().isEmpty() ? null : r.labels());
        line(out, "description", r.description() == null ? null : Text.safe(r.description(), KeyRecord.MAX_DESCRIPTION));
        line(out, "reviewAfter", r.reviewAfter());
        line(out, "lastUsed", r.lastUsed());
        line(out, "replaces", r.replaces());
        line(out, "replacedBy", r.replacedBy());
        line(out, "version", r.version());
    }

    private static void line(PrintWriter out, String name, Object value) {
        if (value != null) {
            out.printf("%-13s %s%n", name + ":", value);
        }
    }
}
