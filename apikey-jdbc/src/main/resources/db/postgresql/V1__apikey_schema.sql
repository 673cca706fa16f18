-- apikey schema, version 1, for PostgreSQL 12 or later.
--
-- Run it with Flyway (locations=classpath:db/postgresql), Liquibase (a sqlFile change) or psql, or let
-- JdbcKeyStore.builder(dataSource).createSchema(true) run it at start. Every statement is "IF NOT EXISTS" and
-- the version row is inserted "ON CONFLICT DO NOTHING", so running the file again changes nothing. The tables
-- are created in the first schema of the connection's search_path: to keep them apart, set the DataSource's
-- currentSchema.
--
-- Changes are additive: a later version ships as V2__<what>.sql next to this file (new tables, new nullable
-- columns, new indexes; never a dropped or renamed column), inserts its own row into apikey_schema_version,
-- and the store's schema runner applies every file whose version is above the highest row found.

CREATE TABLE IF NOT EXISTS apikey_schema_version (
    version      integer     PRIMARY KEY,
    description  text        NOT NULL,
    installed_at timestamptz NOT NULL DEFAULT now()
);

-- One row per key ever issued. Rows are never deleted: a revoked key stays as a tombstone (status REVOKED), so
-- no cache, replica or restore of an older copy can bring the key back.
--
-- Why these column types:
-- - id and digest use the "C" collation: they are opaque ASCII, compared byte by byte, and id is the stable
--   order of listings (keyset paging with "id > ?"), which must not depend on the database's locale.
-- - digest holds the text form "<scheme>:<base64url>" that the file store and the cluster store also use. Never
--   the key: the key is shown once when it is issued and is not stored anywhere.
-- - scopes and allowed_cidrs are text arrays of the same text forms the file store writes (billing:read,
--   10.0.0.0/8), so an operator can ask "which keys hold billing:write" with = ANY(scopes).
--   Not PostgreSQL's cidr type: it rewrites some spellings, and a stored value must read back unchanged.
-- - rate_limit_policy and quota are the core's text forms ("100/1s burst 20, 10000/1d", "5000/month"), which
--   the core parses back; a policy is one value, never queried by its parts.
-- - labels are free-form name/value pairs: a jsonb object of strings.
-- - instants are timestamptz (microseconds: the store keeps instants to the microsecond).
-- - version is the optimistic-concurrency counter: an update says which version it read
--   (UPDATE ... WHERE id = ? AND version = ?) and loses when another update came first.
-- - last_used is advisory and lives outside the versioned content: it is written without moving version, and
--   an update never moves it back.
-- - lineage is the id of the first key of a rotation chain (its own id for a key that replaces none); usage
--   counters belong to the lineage, so a successor continues its predecessor's counts.
CREATE TABLE IF NOT EXISTS apikey_keys (
    id                text COLLATE "C" PRIMARY KEY,
    digest            text COLLATE "C" NOT NULL,
    lineage           text COLLATE "C" NOT NULL,
    hint              text        NOT NULL,
    owner             text        NOT NULL,
    tenant            text,
    environment       text        NOT NULL CHECK (environment IN ('live', 'test')),
    scopes            text[]      NOT NULL,
    allowed_cidrs     text[]      NOT NULL,
    created           timestamptz NOT NULL,
    not_before        timestamptz,
    expires           timestamptz,
    status            text        NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'REVOKED')),
    rate_limit_policy text,
    quota             text,
    credits           bigint      CHECK (credits >= 0),
    labels            jsonb       NOT NULL DEFAULT '{}',
    last_used         timestamptz,
    replaces          text COLLATE "C",
    replaced_by       text COLLATE "C",
    version           bigint      NOT NULL CHECK (version >= 1),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- The hot path: every request that is not answered from a cache is one SELECT ... WHERE digest = ? on this
-- index. Unique, so a digest can never name two keys.
CREATE UNIQUE INDEX IF NOT EXISTS apikey_keys_digest ON apikey_keys (digest);
-- Listings by owner or tenant, in id order, one page after another.
CREATE INDEX IF NOT EXISTS apikey_keys_owner ON apikey_keys (owner, id);
CREATE INDEX IF NOT EXISTS apikey_keys_tenant ON apikey_keys (tenant, id) WHERE tenant IS NOT NULL;
-- Every key of a rotation chain.
CREATE INDEX IF NOT EXISTS apikey_keys_lineage ON apikey_keys (lineage);

-- Calendar quotas and lifetime credits, one row per counter (the verifier names it after the key and the
-- period). A request takes one unit with one atomic INSERT ... ON CONFLICT DO UPDATE ... WHERE count < limit,
-- so no two nodes can both take the last unit. expires_at is the end of the counter's period (null: never);
-- a row past it counts from zero again and may be purged.
CREATE TABLE IF NOT EXISTS apikey_usage_counters (
    counter_id text COLLATE "C" PRIMARY KEY,
    count      bigint      NOT NULL CHECK (count >= 0),
    expires_at timestamptz
);

CREATE INDEX IF NOT EXISTS apikey_usage_counters_expiry ON apikey_usage_counters (expires_at)
    WHERE expires_at IS NOT NULL;

INSERT INTO apikey_schema_version (version, description)
    VALUES (1, 'keys and usage counters')
    ON CONFLICT (version) DO NOTHING;
