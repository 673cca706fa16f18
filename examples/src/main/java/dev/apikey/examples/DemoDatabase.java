package dev.apikey.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.apikey.InvalidConfigurationException;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

/**
 * The demo's {@code --store jdbc:postgresql://HOST[:PORT]/DB?user=U}: a small pool whose password comes from
 * {@value #PASSWORD_ENV} only. A URL with a password in it is refused (a command line is visible to every user of
 * the machine and lands in shell history), and no message here repeats the URL.
 */
final class DemoDatabase {
    /** The environment variable the database password is read from. */
    static final String PASSWORD_ENV = "APIKEY_JDBC_PASSWORD";
    static final String PREFIX = "jdbc:postgresql://";

    private DemoDatabase() {
    }

    /** A pool of up to 8 connections to {@code url}; it connects at once, so a wrong address fails the start. */
    static HikariDataSource open(String url, Function<String, String> env) {
        if (!url.startsWith(PREFIX)) {
            throw new InvalidConfigurationException("--store jdbc: must be " + PREFIX + "HOST[:PORT]/DB?user=U (PostgreSQL)");
        }
        String rest = url.substring(PREFIX.length());
        int q = rest.indexOf('?');
        String authority = (q < 0 ? rest : rest.substring(0, q)).split("/", 2)[0];
        boolean passwordParam = q >= 0 && Arrays.stream(rest.substring(q + 1).split("&"))
                .map(p -> p.split("=", 2)[0].toLowerCase(Locale.ROOT)).anyMatch(name -> name.contains("password"));
        if (passwordParam || authority.contains("@")) {
            throw new InvalidConfigurationException("--store: a password does not belong in the URL (it would be on the"
                    + " command line); remove it and set the environment variable " + PASSWORD_ENV + " instead");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        String password = env.apply(PASSWORD_ENV);
        if (password != null && !password.isEmpty()) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(1);
        config.setPoolName("apikey-demo");
        return new HikariDataSource(config);
    }
}
