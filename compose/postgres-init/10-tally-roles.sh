#!/usr/bin/env bash
# Runs once, when the postgres container starts on an empty data volume: one login role per service that owns
# only its own schema (the same layout ./dev prepares locally). Each service's Flyway creates its tables.
set -euo pipefail

create_service_role() { # service, password
  local service=$1 password=$2 role="tally_$1"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
       -v role="$role" -v schema="$service" -v password="$password" -v db="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE SCHEMA :"schema" AUTHORIZATION :"role";
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"role";
ALTER ROLE :"role" IN DATABASE :"db" SET search_path = :"schema";
SQL
}

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v db="$POSTGRES_DB" <<'SQL'
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
SQL

create_service_role credits "${CREDITS_DB_PASSWORD:?}"
create_service_role jobs "${JOBS_DB_PASSWORD:?}"
create_service_role payments "${PAYMENTS_DB_PASSWORD:?}"
create_service_role presence "${PRESENCE_DB_PASSWORD:?}"
