package dev.apikey.cli;

import dev.apikey.Text;
import dev.apikey.json.StrictJson;
import dev.apikey.review.Finding;
import dev.apikey.review.KeyFindings;
import dev.apikey.review.KeyReview;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints a review as it runs, one key at a time, so nothing is held beyond the page being read: a table whose
 * every value is escaped ({@link Text#safe}), or one JSON document. Never a key or digest.
 */
abstract class ReviewPrinter {
    /** The output formats of {@code --format}. */
    enum Format {
        table, json
    }

    final PrintWriter out;

    private ReviewPrinter(PrintWriter out) {
        this.out = out;
    }

    static ReviewPrinter of(Format format, PrintWriter out, KeyReview review) {
        return format == Format.json ? new Json(out, review) : new Table(out);
    }

    /** Prints one key's findings. */
    abstract void key(KeyFindings f);

    /** Prints what the whole review saw and flushes. */
    abstract void end(KeyReview.Summary s);

    /** One row per finding, then a summary line. */
    private static final class Table extends ReviewPrinter {
        private static final String ROW = "%-26s %-20s %-15s %s%n";
        private boolean header;

        Table(PrintWriter out) {
            super(out);
        }

        @Override
        void key(KeyFindings f) {
            if (!header) {
                out.printf(ROW, "ID", "OWNER", "FINDING", "DETAIL");
                header = true;
            }
            f.findings().forEach((finding, detail) -> out.printf(ROW, f.key().id(), Text.safe(f.key().owner(), 20),
                    finding.token(), Text.safe(detail, 160)));
        }

        @Override
        void end(KeyReview.Summary s) {
            if (s.flagged() == 0) {
                out.println("No findings in " + s.reviewed() + " keys.");
            } else {
                StringBuilder line = new StringBuilder(s.flagged() + " of " + s.reviewed() + " keys have findings:");
                new TreeMap<>(s.counts()).forEach((f, n) -> line.append(' ').append(f.token()).append('=').append(n));
                out.println(line);
            }
            out.flush();
        }
    }

    /** {@code {"reviewedAt", "unusedDays", "expiringDays", "keys": [...], "reviewed", "flagged", "counts"}}. */
    private static final class Json extends ReviewPrinter {
        private boolean first = true;

        Json(PrintWriter out, KeyReview review) {
            super(out);
            Map<String, Object> head = new LinkedHashMap<>();
            head.put("unusedDays", review.unusedDays());
            head.put("expiringDays", review.expiringDays());
            String opened = StrictJson.write(head);
            // The object stays open: the keys follow one by one as the review reads the store.
            out.print(opened.substring(0, opened.length() - 1) + ",\"keys\":[");
        }

        @Override
        void key(KeyFindings f) {
            out.print((first ? "" : ",") + StrictJson.write(f.toJson()));
            first = false;
        }

        @Override
        void end(KeyReview.Summary s) {
            Map<String, Object> tail = new LinkedHashMap<>();
            tail.put("reviewedAt", s.at().toString());
            tail.put("reviewed", s.reviewed());
            tail.put("flagged", s.flagged());
            Map<String, Object> counts = new LinkedHashMap<>();
            for (Finding f : Finding.values()) {
                counts.put(f.token(), s.counts().getOrDefault(f, 0));
            }
            tail.put("counts", counts);
            String closed = StrictJson.write(tail);
            out.println("]," + closed.substring(1));
            out.flush();
        }
    }
}
