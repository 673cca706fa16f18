package dev.apikey.hardening;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures every JUL record that reaches the root logger (Jetty arrives through slf4j-jdk14, Hazelcast and
 * core through JUL/System.Logger), optionally lowering the library's loggers to ALL, and optionally copies
 * what is written to System.out and System.err. Close restores everything.
 */
final class LogCapture implements AutoCloseable {
    private static final List<String> LIBRARY_LOGGERS = List.of("dev.apikey", "dev.apikey.audit");

    final ConcurrentLinkedQueue<LogRecord> records = new ConcurrentLinkedQueue<>();
    private final Handler handler;
    private final Map<String, Level> savedLevels = new java.util.HashMap<>();
    private final List<Logger> pinned = new ArrayList<>();
    private final PrintStream savedOut = System.out;
    private final PrintStream savedErr = System.err;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private LogCapture(boolean everything) {
        handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(handler);
        if (everything) {
            for (String name : LIBRARY_LOGGERS) {
                Logger l = Logger.getLogger(name);
                pinned.add(l);
                savedLevels.put(name, l.getLevel());
                l.setLevel(Level.ALL);
            }
            System.setOut(new PrintStream(new Tee(savedOut, console), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new Tee(savedErr, console), true, StandardCharsets.UTF_8));
        }
    }

    /** Captures records at the configured levels (INFO and up; audit at WARNING). */
    static LogCapture records() {
        return new LogCapture(false);
    }

    /** Captures every record of the library's loggers at every level, and System.out/err. */
    static LogCapture everything() {
        return new LogCapture(true);
    }

    /** Records above WARNING (SEVERE). */
    List<LogRecord> aboveWarning() {
        return records.stream().filter(r -> r.getLevel().intValue() > Level.WARNING.intValue()).toList();
    }

    /** WARNING records that carry an exception. */
    List<LogRecord> warningsWithException() {
        return records.stream().filter(r -> r.getLevel() == Level.WARNING && r.getThrown() != null).toList();
    }

    /** Every captured line as text: logger, level, formatted message, and the stack trace if any; then the console. */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        for (LogRecord r : records) {
            StringBuilder b = new StringBuilder().append(r.getLoggerName()).append(' ').append(r.getLevel()).append(' ');
            String msg = r.getMessage();
            if (msg != null && r.getParameters() != null && r.getParameters().length > 0) {
                try {
                    msg = MessageFormat.format(msg, r.getParameters());
                } catch (IllegalArgumentException e) {
                    // Not a MessageFormat pattern (slf4j "{}"): keep it and append the parameters.
                }
                for (Object p : r.getParameters()) {
                    b.append(" param=").append(p);
                }
            }
            b.append(' ').append(msg);
            if (r.getThrown() != null) {
                StringWriter w = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(w));
                b.append('\n').append(w);
            }
            out.add(b.toString());
        }
        for (String l : console.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!l.isEmpty()) {
                out.add("console " + l);
            }
        }
        return out;
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
        for (Logger l : pinned) {
            l.setLevel(savedLevels.get(l.getName()));
        }
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final ByteArrayOutputStream b;

        Tee(OutputStream a, ByteArrayOutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) {
            try {
                a.write(c);
            } catch (java.io.IOException ignored) {
                // the console is best effort
            }
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) {
            try {
                a.write(buf, off, len);
            } catch (java.io.IOException ignored) {
                // the console is best effort
            }
            b.write(buf, off, len);
        }
    }
}
