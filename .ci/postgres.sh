#!/usr/bin/env bash
# Starts the local PostgreSQL cluster that apikey-jdbc's tests run against, and makes sure its role and database
# exist. Sourced by .ci/run; run it on its own (as root, or a user that may sudo to postgres) to get the same
# database for local test runs. Safe to run again: every step checks before it acts.
#
# Reads APIKEY_JDBC_PASSWORD (when unset, a random one generated once and kept in ~/.apikey-test-db-password)
# and exports:
#   APIKEY_JDBC_URL, APIKEY_JDBC_USER, APIKEY_JDBC_PASSWORD
# The password only ever travels through the environment and psql's standard input, never a command line.
set -euo pipefail

APIKEY_JDBC_DB="${APIKEY_JDBC_DB:-apikey_test}"
APIKEY_JDBC_USER="${APIKEY_JDBC_USER:-apikey}"

as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        sudo -n -u postgres -- "$@"
    fi
}

as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    else
        sudo -n -- "$@"
    fi
}

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "postgres.sh: installing PostgreSQL with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y -q postgresql >/dev/null 2>&1 || {
        as_root apt-get update -q >/dev/null
        as_root apt-get install -y -q postgresql >/dev/null
    }
fi

# The first cluster Debian knows (on these machines: 15 main, port 5432); create one if the package made none.
cluster="$(pg_lsclusters -h | head -n 1 || true)"
if [ -z "$cluster" ]; then
    version="$(ls /usr/lib/postgresql | sort -n | tail -n 1)"
    as_root pg_createcluster "$version" main >/dev/null
    cluster="$(pg_lsclusters -h | head -n 1)"
fi
read -r pg_version pg_name pg_port pg_status _ <<<"$cluster"

# Ask the server, not the status file: after a hard stop the cluster can look online without a server behind it.
if ! pg_isready -q -h 127.0.0.1 -p "$pg_port"; then
    echo "postgres.sh: starting PostgreSQL $pg_version/$pg_name on port $pg_port (was $pg_status)"
    as_root pg_ctlcluster --skip-systemctl-redirect "$pg_version" "$pg_name" start || true
fi
for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p "$pg_port"; then
        break
    fi
    sleep 0.5
done
if ! pg_isready -q -h 127.0.0.1 -p "$pg_port"; then
    echo "postgres.sh: PostgreSQL did not become ready on 127.0.0.1:$pg_port;" \
        "see /var/log/postgresql/postgresql-$pg_version-$pg_name.log" >&2
    exit 1
fi

# Without a password from the caller, one is generated once and kept in a file only this user can read, so that
# runs that overlap on one machine (two checkouts testing at once) agree on it instead of resetting each other's.
if [ -z "${APIKEY_JDBC_PASSWORD:-}" ]; then
    password_file="${APIKEY_JDBC_PASSWORD_FILE:-${HOME:-/tmp}/.apikey-test-db-password}"
    if [ ! -s "$password_file" ]; then
        (umask 077 && od -An -tx1 -N18 /dev/urandom | tr -d ' \n' > "$password_file")
    fi
    APIKEY_JDBC_PASSWORD="$(cat "$password_file")"
fi
# Inside SQL the password is a string literal: double its quotes. It reaches psql on standard input only.
quoted_password="${APIKEY_JDBC_PASSWORD//\'/\'\'}"
as_postgres psql -X -q -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL
SELECT format('CREATE ROLE %I LOGIN', '$APIKEY_JDBC_USER')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APIKEY_JDBC_USER') \gexec
ALTER ROLE "$APIKEY_JDBC_USER" WITH LOGIN PASSWORD '$quoted_password';
SELECT format('CREATE DATABASE %I OWNER %I', '$APIKEY_JDBC_DB', '$APIKEY_JDBC_USER')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$APIKEY_JDBC_DB') \gexec
SQL

export APIKEY_JDBC_URL="jdbc:postgresql://127.0.0.1:$pg_port/$APIKEY_JDBC_DB"
export APIKEY_JDBC_USER APIKEY_JDBC_PASSWORD
echo "postgres.sh: PostgreSQL $pg_version ready at $APIKEY_JDBC_URL (user $APIKEY_JDBC_USER)"
