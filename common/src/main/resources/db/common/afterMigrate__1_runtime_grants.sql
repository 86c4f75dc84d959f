-- After every migration run, as the schema's owner: the service's runtime role (${runtime_role}) may read and write
-- the rows of this schema's tables and use its sequences, nothing else. It owns nothing, so it cannot ALTER, DROP,
-- TRUNCATE, disable a trigger or replace a function; it cannot create objects here either (no CREATE on the
-- schema). Re-run each time, so tables added by later migrations are covered. A service narrows this further in a
-- callback that sorts after this one (credits: afterMigrate__2_ledger_is_append_only.sql).
GRANT USAGE ON SCHEMA ${flyway:defaultSchema} TO ${runtime_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${flyway:defaultSchema} TO ${runtime_role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${flyway:defaultSchema} TO ${runtime_role};
-- Flyway's history is the owner's to write; the service may read which migrations ran.
REVOKE INSERT, UPDATE, DELETE ON ${flyway:defaultSchema}.flyway_schema_history FROM ${runtime_role};
