-- apikey schema, version 5: credits shared by a key's owner or tenant. Additive: one nullable column.
--
-- - credits_per: 'owner' or 'tenant' when the key's credits are one lifetime balance for every key of its owner
--   (within its tenant and environment) or of its tenant; null for the key's own credits, as in every row written
--   before this version. Rate limits and quotas say the same in their text ("1000/1h per owner").
--
-- Part of the versioned content (an update writes it) and, when the Hazelcast cluster is backed by this table, of
-- the record MAC kept in the seal column.
ALTER TABLE apikey_keys ADD COLUMN IF NOT EXISTS credits_per text CHECK (credits_per IN ('owner', 'tenant'));

INSERT INTO apikey_schema_version (version, description)
    VALUES (5, 'credits shared per owner or tenant')
    ON CONFLICT (version) DO NOTHING;
