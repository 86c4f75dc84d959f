package io.tally.common.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * What every service must do from its first start: answer health, migrate into its own schema, run as a role that
 * may change rows but not the schema, be unable to touch another service's schema, publish OpenAPI and metrics. Each service's test extends this with
 * {@code @QuarkusTest}.
 */
public abstract class ServiceFoundationContract {

    private static final List<String> SCHEMAS = List.of("credits", "jobs", "payments", "presence");

    @Inject
    protected Pool pool;

    @ConfigProperty(name = "tally.service.name")
    protected String serviceName;

    @Test
    void livenessAndReadinessAreUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Reactive PostgreSQL connections health check"));
        given().when().get("/q/health/well").then().statusCode(200).body("checks.name", hasItem("Kafka broker"));
    }

    @Test
    void migrationsRanIntoTheServiceSchema() {
        assertThat(TestSql.count(pool, """
                SELECT count(*) FROM information_schema.tables
                 WHERE table_schema = $1 AND table_name IN ('outbox', 'inbox', 'idempotency_keys', 'rate_limit_windows')
                """, serviceName)).isEqualTo(4);
        assertThat(TestSql.count(pool, "SELECT count(*) FROM flyway_schema_history WHERE success")).isPositive();
    }

    /** docs/architecture.md, "Trust": the owner role migrates; the role the service runs as has DML only. */
    @Test
    void theServiceRunsAsARoleThatMayChangeRowsButNotItsSchema() {
        assertThat(TestSql.count(pool, """
                SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = $1 AND c.relkind = 'r' AND pg_get_userbyid(c.relowner) <> current_user
                """, serviceName)).as("tables in the schema, owned by the owner role").isPositive();
        assertThat(TestSql.count(pool, """
                SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = $1 AND pg_get_userbyid(c.relowner) = current_user
                """, serviceName)).as("objects the service's own role owns").isZero();
        assertThatThrownBy(() -> TestSql.execute(pool, "ALTER TABLE outbox ADD COLUMN sneaky int"))
                .hasMessageContaining("must be owner");
        assertThatThrownBy(() -> TestSql.execute(pool, "ALTER TABLE outbox DISABLE TRIGGER ALL"))
                .hasMessageContaining("must be owner");
        assertThatThrownBy(() -> TestSql.execute(pool, "TRUNCATE idempotency_keys"))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> TestSql.execute(pool, "CREATE TABLE sneaky (id int)"))
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> TestSql.execute(pool, "DELETE FROM flyway_schema_history"))
                .hasMessageContaining("permission denied");
    }

    /** One held lock or runaway statement cannot queue everything behind it (microprofile-config.properties). */
    @Test
    void everyConnectionBoundsItsLockWaitsAndStatements() {
        assertThat(TestSql.text(pool, "SELECT current_setting('lock_timeout')")).isEqualTo("3s");
        assertThat(TestSql.text(pool, "SELECT current_setting('statement_timeout')")).isEqualTo("30s");
        assertThat(TestSql.text(pool, "SELECT current_setting('idle_in_transaction_session_timeout')")).isEqualTo("1min");
    }

    @Test
    void theServiceRoleCannotUseAnotherServiceSchema() {
        for (String other : SCHEMAS) {
            if (other.equals(serviceName)) {
                continue;
            }
            assertThatThrownBy(() -> TestSql.count(pool, "SELECT count(*) FROM " + other + ".outbox"))
                    .hasMessageContaining("permission denied");
        }
        assertThatThrownBy(() -> TestSql.execute(pool, "CREATE TABLE public.sneaky (id int)"))
                .hasMessageContaining("permission denied");
    }

    @Test
    void openApiAndMetricsArePublished() {
        given().when().get("/q/openapi?format=json").then().statusCode(200).body("openapi", containsString("3."));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("tally_outbox_backlog"));
    }
}
