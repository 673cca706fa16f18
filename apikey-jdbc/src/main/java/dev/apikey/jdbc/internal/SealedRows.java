package dev.apikey.jdbc.internal;

import dev.apikey.KeyDigest;
import dev.apikey.KeyRecord;
import dev.apikey.spi.DuplicateKeyException;
import dev.apikey.spi.SealedKeyStore.Sealed;
import dev.apikey.spi.VersionConflictException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Records with their seals (schema V3's {@code seal} column), for {@code SealedKeyStore}: the record and its seal
 * are always written by one statement, so no reader ever sees one without the other.
 */
public final class SealedRows {
    private static final String COLUMNS = RecordRows.COLUMNS + ", seal";
    private static final String FIND = "SELECT " + COLUMNS + " FROM apikey_keys WHERE digest = ?";
    private static final String FIND_MANY = "SELECT " + COLUMNS + " FROM apikey_keys WHERE digest = ANY(?)";
    private static final String DIGESTS = "SELECT digest FROM apikey_keys";
    // The stored version is the one before (a change) or the same (a new last-used, or the same write again);
    // a revoked row only takes another revoked record.
    private static final String REPLACE = "UPDATE apikey_keys SET " + RecordRows.CONTENT_SET
            + ", seal = ?, last_used = GREATEST(last_used, ?), version = ?, updated_at = now()"
            + " WHERE id = ? AND digest = ? AND version IN (?, ?) AND (status <> 'REVOKED' OR ? = 'REVOKED')";
    private static final String INSERT = "INSERT INTO apikey_keys (id, digest, lineage, " + RecordRows.CONTENT_COLUMNS
            + ", last_used, version, seal) VALUES (?, ?, ?, " + RecordRows.CONTENT_VALUES + ", ?, 1, ?)"
            + " ON CONFLICT DO NOTHING";

    private final Jdbc jdbc;

    /** Sealed rows through {@code jdbc}. */
    public SealedRows(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The record of {@code digest} and its seal. */
    public Optional<Sealed> find(KeyDigest digest) {
        return jdbc.run("sealed lookup by digest", c -> {
            try (PreparedStatement ps = jdbc.prepare(c, FIND)) {
                ps.setString(1, digest.encoded());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The stored ones of {@code digests}, one query. */
    public List<Sealed> find(Collection<KeyDigest> digests) {
        if (digests.isEmpty()) {
            return List.of();
        }
        String[] texts = digests.stream().map(KeyDigest::encoded).toArray(String[]::new);
        return jdbc.run("sealed lookup of " + texts.length + " digests", c -> {
            try (PreparedStatement ps = jdbc.prepare(c, FIND_MANY)) {
                ps.setArray(1, c.createArrayOf("text", texts));
                List<Sealed> out = new ArrayList<>(texts.length);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    /** Every stored digest. */
    public List<KeyDigest> digests() {
        return jdbc.run("listing of digests", c -> {
            try (PreparedStatement ps = jdbc.prepare(c, DIGESTS); ResultSet rs = ps.executeQuery()) {
                List<KeyDigest> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(KeyDigest.parse(rs.getString(1)));
                }
                return out;
            }
        });
    }

    /** See {@code SealedKeyStore#putSealed}. */
    public void put(KeyRecord record, byte[] seal) {
        KeyRecord r = RecordRows.normalize(record);
        jdbc.run("sealed write of " + r.id(), c -> {
            if (replace(c, r, seal) == 1) {
                return null;
            }
            if (r.version() != 1) {
                throw new VersionConflictException(r.id());
            }
            if (insert(c, r, seal) == 0) {
                throw new DuplicateKeyException(r.id());
            }
            return null;
        });
    }

    private int replace(Connection c, KeyRecord r, byte[] seal) throws SQLException {
        try (PreparedStatement ps = jdbc.prepare(c, REPLACE)) {
            int i = RecordRows.bindContent(c, ps, 1, r);
            ps.setBytes(i++, seal);
            RecordRows.setInstant(ps, i++, r.lastUsed());
            ps.setLong(i++, r.version());
            ps.setString(i++, r.id());
            ps.setString(i++, r.digest().encoded());
            ps.setLong(i++, r.version() - 1);
            ps.setLong(i++, r.version());
            ps.setString(i, r.status().name());
            return ps.executeUpdate();
        }
    }

    private int insert(Connection c, KeyRecord r, byte[] seal) throws SQLException {
        try (PreparedStatement ps = jdbc.prepare(c, INSERT)) {
            ps.setString(1, r.id());
            ps.setString(2, r.digest().encoded());
            ps.setString(3, RecordRows.lineageOf(r));
            int i = RecordRows.bindContent(c, ps, 4, r);
            RecordRows.setInstant(ps, i++, r.lastUsed());
            ps.setBytes(i, seal);
            return ps.executeUpdate();
        }
    }

    private static Sealed read(ResultSet rs) throws SQLException {
        return new Sealed(RecordRows.read(rs), rs.getBytes("seal"));
    }
}
