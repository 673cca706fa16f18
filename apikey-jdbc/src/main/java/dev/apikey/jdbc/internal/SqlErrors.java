package dev.apikey.jdbc.internal;

import dev.apikey.spi.StoreUnavailableException;

import java.sql.SQLException;
import java.util.Set;

/**
 * Turns a {@link SQLException} into a {@link StoreUnavailableException} that carries no stored value.
 *
 * <p>A driver's message may quote what the server said about a row: PostgreSQL's unique-violation detail names the
 * duplicate digest, a data error quotes the value it could not read, and a trigger can say anything. So the
 * message keeps the SQLState always, and the driver's first line only for the classes whose text names servers,
 * users or schema objects, never row values. The cause is a copy of the driver's exception with that same safe
 * message and the original stack trace, so a logged exception shows where it failed and nothing it was given.
 */
public final class SqlErrors {
    /** SQLSTATE 23505: a unique index refused a row. */
    public static final String UNIQUE_VIOLATION = "23505";

    // 08 connection, 28 authorization (the user name, never the password), 3D unknown database, 42 syntax or
    // access rule (object names), 53 insufficient resources, 57 operator intervention (shutdown, cancel).
    private static final Set<String> VALUE_FREE_CLASSES = Set.of("08", "28", "3D", "42", "53", "57");

    private SqlErrors() {
    }

    /**
     * The exception to throw for {@code e}, raised while doing {@code what} (a description that must itself
     * hold no secret, e.g. "update of key_abc").
     */
    public static StoreUnavailableException unavailable(String what, SQLException e) {
        String message = "PostgreSQL key store: " + what + " failed (" + describe(e) + ")";
        SQLException safeCause = new SQLException(message, e.getSQLState(), e.getErrorCode());
        safeCause.setStackTrace(e.getStackTrace());
        return new StoreUnavailableException(message, safeCause);
    }

    /** True if {@code e} (or an exception it wraps) is a unique-index violation. */
    public static boolean isUniqueViolation(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (UNIQUE_VIOLATION.equals(x.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The SQLState and, for value-free classes and for exceptions without a SQLState (raised by the pool or the driver,
     * not the server), the first line of the message, escaped and cut at 300 chars.
     */
    static String describe(SQLException e) {
        String state = e.getSQLState();
        StringBuilder out = new StringBuilder("SQLState ").append(state == null ? "unknown" : state);
        String text = e.getMessage();
        // Without a SQLState the exception never came from the server, so it quotes no row: it is the pool or the
        // driver about itself ("Cannot load JDBC driver class ...", a pool timeout), which is what the user must read.
        boolean valueFree = state == null || state.length() >= 2 && VALUE_FREE_CLASSES.contains(state.substring(0, 2));
        if (valueFree && text != null) {
            int eol = text.indexOf('\n');
            String firstLine = (eol < 0 ? text : text.substring(0, eol)).strip();
            if (!firstLine.isEmpty()) {
                out.append(": ").append(dev.apikey.Text.safe(firstLine, 300));
            }
        }
        return out.toString();
    }
}
