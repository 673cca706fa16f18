package dev.apikey.cli;

import dev.apikey.InvalidConfigurationException;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code --store jdbc:postgresql://HOST[:PORT]/DB?user=U}: a DataSource whose password comes from
 * {@value #PASSWORD_ENV} only. A URL that carries a password is refused: a command line is visible to every user
 * of the machine and lands in shell history. No message here repeats the URL.
 */
final class JdbcUrl {
    /** The environment variable the database password is read from. */
    static final String PASSWORD_ENV = "APIKEY_JDBC_PASSWORD";
    static final String PREFIX = "jdbc:postgresql://";

    private JdbcUrl() {
    }

    static boolean isJdbc(String store) {
        return store.startsWith("jdbc:");
    }

    /** A DataSource (no pool: a command opens a few connections and exits) for {@code url}. */
    static DataSource dataSource(String url, Function<String, String> env) {
        if (!url.startsWith(PREFIX)) {
            throw new InvalidConfigurationException("--store jdbc: must be " + PREFIX + "HOST[:PORT]/DB?user=U (PostgreSQL)");
        }
        String rest = url.substring(PREFIX.length());
        int q = rest.indexOf('?');
        String authority = (q < 0 ? rest : rest.substring(0, q)).split("/", 2)[0];
        boolean passwordParam = q >= 0 && java.util.Arrays.stream(rest.substring(q + 1).split("&"))
                .map(p -> p.split("=", 2)[0].toLowerCase(Locale.ROOT)).anyMatch(name -> name.contains("password"));
        if (passwordParam || authority.contains("@")) {
            throw new InvalidConfigurationException("--store: a password does not belong in the URL (it would be on the"
                    + " command line); remove it and set the environment variable " + PASSWORD_ENV + " instead");
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        try {
            ds.setURL(url);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("--store: not a valid " + PREFIX + "HOST[:PORT]/DB?user=U URL");
        }
        String password = env.apply(PASSWORD_ENV);
        if (password != null && !password.isEmpty()) {
            ds.setPassword(password);
        }
        ds.setApplicationName("apikey-cli");
        return ds;
    }
}
