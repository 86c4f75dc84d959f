package io.tally.e2e;

import io.tally.common.testing.TestInfrastructure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Read-only SQL into each service's schema, connecting as that service's own role (the only one allowed to read
 * it), for the checks an admin endpoint would be artificial for. Nothing here writes, except the append-only probe,
 * which must be refused and is rolled back regardless.
 */
final class ServiceDatabases {

    interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private ServiceDatabases() {
    }

    static Connection connect(String service) throws SQLException {
        String host = TestInfrastructure.dbHost();
        String port = TestInfrastructure.dbPort();
        String database = TestInfrastructure.testDbName();
        String role = "tally_" + service; // ./dev test's roles: password = role name, local only
        Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://" + host + ":" + port + "/" + database + "?currentSchema=" + service, role, role);
        connection.setReadOnly(true);
        return connection;
    }

    static <T> List<T> query(String service, String sql, RowReader<T> reader, Object... parameters) {
        try (Connection connection = connect(service); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<T> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(reader.read(result));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(service + ": " + e.getMessage() + " in " + sql, e);
        }
    }

    static long count(String service, String sql, Object... parameters) {
        return query(service, sql, row -> row.getLong(1), parameters).get(0);
    }
}
