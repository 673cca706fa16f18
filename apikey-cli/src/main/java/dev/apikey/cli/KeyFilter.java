package dev.apikey.cli;

import dev.apikey.spi.KeyQuery;
import picocli.CommandLine.Option;

/** {@code --owner} and {@code --tenant}: which keys a listing command reads. */
final class KeyFilter {
    @Option(names = "--owner", description = "Only this owner's keys.")
    String owner;
    @Option(names = "--tenant", description = "Only this tenant's keys.")
    String tenant;

    /** Every key of the owner and tenant given (either may be absent for any). */
    KeyQuery query() {
        return new KeyQuery(owner, tenant);
    }
}
