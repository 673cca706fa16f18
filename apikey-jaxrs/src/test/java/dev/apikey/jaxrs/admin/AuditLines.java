package dev.apikey.jaxrs.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

/** Collects what the audit loggers write at INFO while it is open. */
final class AuditLines implements AutoCloseable {
    private final Logger logger = Logger.getLogger("dev.apikey.audit");
    private final Level saved = logger.getLevel();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                lines.add(record.getLevel() + " " + record.getLoggerName() + " " + record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private AuditLines() {
        logger.setLevel(Level.INFO);
        logger.addHandler(handler);
    }

    static AuditLines capture() {
        return new AuditLines();
    }

    /** The captured INFO lines that name any of {@code ids}, in order. */
    List<String> linesMentioning(String... ids) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("INFO ") && Stream.of(ids).anyMatch(line::contains)) {
                out.add(line);
            }
        }
        return out;
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(saved);
    }
}
