#!/usr/bin/env bash
# Runs once, when the postgres container starts on an empty data volume: per service, the schema owned by the
# tally_<service>_owner role (which the <service>-migrate job migrates as) and the tally_<service> runtime role the
# service runs as, with DML only (dev-support/postgres/service-schema.sql, the script ./dev runs locally).
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v db="$POSTGRES_DB" <<'SQL'
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
SQL

service_schema() { # service, runtime password, owner password
  psql -v ON_ERROR_STOP=1 --quiet --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v schema="$1" \
       -v owner="tally_$1_owner" -v owner_password="$3" -v runtime="tally_$1" -v runtime_password="$2" \
       -f /opt/tally/postgres/service-schema.sql >/dev/null
}

service_schema credits "${CREDITS_DB_PASSWORD:?}" "${CREDITS_DB_OWNER_PASSWORD:?}"
service_schema jobs "${JOBS_DB_PASSWORD:?}" "${JOBS_DB_OWNER_PASSWORD:?}"
service_schema payments "${PAYMENTS_DB_PASSWORD:?}" "${PAYMENTS_DB_OWNER_PASSWORD:?}"
service_schema presence "${PRESENCE_DB_PASSWORD:?}" "${PRESENCE_DB_OWNER_PASSWORD:?}"
