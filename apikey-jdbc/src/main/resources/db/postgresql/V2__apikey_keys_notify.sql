-- apikey schema, version 2, for PostgreSQL 12 or later: tell listening nodes when a key record changes.
--
-- Nodes that cache records (JdbcKeyStore with a cache) LISTEN on the channel apikey_keys. These triggers send a
-- NOTIFY from the transaction that changes a row, so it is delivered exactly when that change commits, and never
-- for a change that rolls back; they fire for every writer (the store, a migration, an operator in psql), not
-- only for the library's own writes.
--
-- The payload is a JSON object {"schema": <the table's schema>, "id": <the key's public id>}: a listener ignores
-- other schemas' changes and evicts by id. Never the digest: payloads can end up in logs. "id": null means
-- "forget everything" (a TRUNCATE, an id that changed, an id too long for a payload).
--
-- No notification for:
-- - an INSERT: caches hold records that were found, never "not found", so a new key is on no node's cache;
-- - an UPDATE that changes last_used alone: it is advisory, and written once a minute per key per node.
--
-- Additive and idempotent like version 1: CREATE OR REPLACE for the function, and the triggers are created only
-- where they are missing.

CREATE OR REPLACE FUNCTION apikey_keys_notify() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    changed text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        changed := NULL;
    ELSIF TG_OP = 'UPDATE' AND (to_jsonb(OLD) - 'last_used') = (to_jsonb(NEW) - 'last_used') THEN
        RETURN NULL;
    ELSIF TG_OP = 'UPDATE' AND OLD.id IS DISTINCT FROM NEW.id THEN
        changed := NULL;
    ELSE
        changed := OLD.id;
    END IF;
    -- A NOTIFY payload must stay under 8000 bytes; no generated id comes near this.
    IF octet_length(changed) > 4000 THEN
        changed := NULL;
    END IF;
    PERFORM pg_notify('apikey_keys', json_build_object('schema', TG_TABLE_SCHEMA, 'id', changed)::text);
    RETURN NULL;
END
$fn$;

DO $do$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_trigger
                    WHERE tgrelid = to_regclass('apikey_keys') AND tgname = 'apikey_keys_notify') THEN
        CREATE TRIGGER apikey_keys_notify AFTER UPDATE OR DELETE ON apikey_keys
            FOR EACH ROW EXECUTE FUNCTION apikey_keys_notify();
    END IF;
    IF NOT EXISTS (SELECT FROM pg_trigger
                    WHERE tgrelid = to_regclass('apikey_keys') AND tgname = 'apikey_keys_notify_truncate') THEN
        CREATE TRIGGER apikey_keys_notify_truncate AFTER TRUNCATE ON apikey_keys
            FOR EACH STATEMENT EXECUTE FUNCTION apikey_keys_notify();
    END IF;
END
$do$;

INSERT INTO apikey_schema_version (version, description)
    VALUES (2, 'notify listeners of key changes')
    ON CONFLICT (version) DO NOTHING;
