-- apikey schema, version 4: governance fields of a key. Additive: two nullable columns.
--
-- - description: what the key is for (its purpose), at most 512 chars; the key review reports a live key
--   without one.
-- - review_after: the day (UTC) from which the key review reports the key as due for review. A date, not an
--   instant: reviews are planned in days.
--
-- Rows written before this version read with both unset. Both are part of the versioned content (an update writes
-- them) and, when the Hazelcast cluster is backed by this table, of the record MAC kept in the seal column.
ALTER TABLE apikey_keys ADD COLUMN IF NOT EXISTS description text CHECK (char_length(description) <= 512);
ALTER TABLE apikey_keys ADD COLUMN IF NOT EXISTS review_after date;

INSERT INTO apikey_schema_version (version, description)
    VALUES (4, 'key description and review day')
    ON CONFLICT (version) DO NOTHING;
