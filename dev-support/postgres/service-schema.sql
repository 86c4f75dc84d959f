-- The roles and schema of one Tally service in the current database (docs/architecture.md, "Trust"). Two roles:
--   owner    owns the schema and everything in it; only migrations connect as it
--   runtime  what the service runs as: it owns nothing, and the migrations' afterMigrate callback grants it the
--            DML it needs, so it cannot ALTER, TRUNCATE, disable a trigger or replace a function
-- Safe to run again (the passwords are set to the ones given). A schema from the layout before the split, owned
-- by the runtime role, is handed to the owner with everything in it.
--
-- psql variables: schema, owner, owner_password, runtime, runtime_password. Run by ./dev (prepare_database),
-- compose/postgres-init and the tests' TestContainers; the Kubernetes Cluster (k8s/components/data-stores) holds
-- the same statements.
SELECT set_config('tally.schema', :'schema', false), set_config('tally.owner', :'owner', false),
       set_config('tally.owner_password', :'owner_password', false), set_config('tally.runtime', :'runtime', false),
       set_config('tally.runtime_password', :'runtime_password', false);

DO $$
DECLARE
    schema_name text := current_setting('tally.schema');
    owner       text := current_setting('tally.owner');
    runtime     text := current_setting('tally.runtime');
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = owner) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', owner);
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = runtime) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', runtime);
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD %L', owner, current_setting('tally.owner_password'));
    EXECUTE format('ALTER ROLE %I PASSWORD %L', runtime, current_setting('tally.runtime_password'));

    IF NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = schema_name) THEN
        EXECUTE format('CREATE SCHEMA %I AUTHORIZATION %I', schema_name, owner);
    ELSIF (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = schema_name) = quote_ident(runtime) THEN
        EXECUTE format('ALTER SCHEMA %I OWNER TO %I', schema_name, owner);
        EXECUTE format('REASSIGN OWNED BY %I TO %I', runtime, owner);
    END IF;

    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), owner);
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), runtime);
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM %I', current_database(), runtime);
    EXECUTE format('ALTER ROLE %I IN DATABASE %I SET search_path = %I', owner, current_database(), schema_name);
    EXECUTE format('ALTER ROLE %I IN DATABASE %I SET search_path = %I', runtime, current_database(), schema_name);
END $$;

-- The passwords were only needed above.
SELECT set_config('tally.owner_password', '', false), set_config('tally.runtime_password', '', false);
