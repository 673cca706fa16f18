-- apikey schema, version 6: imported keys outside the key format. Additive: one column with a default.
--
-- - legacy: true for a key imported from another system whose text does not follow the key format; its digest is a
--   plain SHA-256 of that text, it verifies only through the verifier's legacy path (off unless enabled), and the
--   key review reports it until it is rotated. False for every row written before this version.
--
-- Part of the versioned content and, when the Hazelcast cluster is backed by this table, of the record MAC.
ALTER TABLE apikey_keys ADD COLUMN IF NOT EXISTS legacy boolean NOT NULL DEFAULT false;

INSERT INTO apikey_schema_version (version, description)
    VALUES (6, 'imported legacy keys')
    ON CONFLICT (version) DO NOTHING;
