-- apikey schema, version 3: a seal beside each key record. Additive: one nullable column.
--
-- A layer above the store that protects its records with a MAC (the Hazelcast cluster, when this table backs its
-- registry through a MapStore) keeps the MAC here, written in the same statement as the record. The store never
-- reads it: the cluster checks it when it loads a row, so a row changed by hand without the cluster secret is
-- refused like a forged record. Rows written by JdbcKeyStore alone leave it NULL.
ALTER TABLE apikey_keys ADD COLUMN IF NOT EXISTS seal bytea;

INSERT INTO apikey_schema_version (version, description)
    VALUES (3, 'record seal')
    ON CONFLICT (version) DO NOTHING;
