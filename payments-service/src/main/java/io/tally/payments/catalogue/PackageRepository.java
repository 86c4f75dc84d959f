package io.tally.payments.catalogue;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class PackageRepository {

    private static final String COLUMNS =
            "code, name, credits, bonus_credits, price_minor, currency, discount_percent, active, sort_order";

    private static final String LIST = "SELECT " + COLUMNS + """
             FROM packages
            WHERE active OR $1
            ORDER BY currency, sort_order, code""";

    private static final String FIND = "SELECT " + COLUMNS + " FROM packages WHERE code = $1";

    private static final String INSERT = """
            INSERT INTO packages (code, name, credits, bonus_credits, price_minor, currency, discount_percent,
                                  active, sort_order)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (code) DO NOTHING""";

    private static final String UPDATE = """
            UPDATE packages
               SET name = $2, credits = $3, bonus_credits = $4, price_minor = $5, currency = $6,
                   discount_percent = $7, active = $8, sort_order = $9, updated_at = now()
             WHERE code = $1
            RETURNING\s""" + COLUMNS;

    private static final String SET_ACTIVE = "UPDATE packages SET active = $2, updated_at = now() WHERE code = $1 RETURNING "
            + COLUMNS;

    /** The foreign key from payments refuses (23503) when the package was ever sold. */
    private static final String DELETE = "DELETE FROM packages WHERE code = $1";

    private final Pool pool;

    public PackageRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<CreditPackage>> list(boolean includeInactive) {
        return pool.preparedQuery(LIST).execute(Tuple.of(includeInactive)).map(PackageRepository::all);
    }

    public Uni<Optional<CreditPackage>> find(SqlClient client, String code) {
        return client.preparedQuery(FIND).execute(Tuple.of(code)).map(rows -> all(rows).stream().findFirst());
    }

    /** Inserts unless the code exists; true when it was inserted. */
    public Uni<Boolean> insert(SqlClient client, CreditPackage p) {
        return client.preparedQuery(INSERT).execute(tuple(p)).map(rows -> rows.rowCount() == 1);
    }

    public Uni<Optional<CreditPackage>> update(CreditPackage p) {
        return pool.preparedQuery(UPDATE).execute(tuple(p)).map(rows -> all(rows).stream().findFirst());
    }

    public Uni<Optional<CreditPackage>> setActive(String code, boolean active) {
        return pool.preparedQuery(SET_ACTIVE).execute(Tuple.of(code, active)).map(rows -> all(rows).stream().findFirst());
    }

    public Uni<Boolean> delete(String code) {
        return pool.preparedQuery(DELETE).execute(Tuple.of(code)).map(rows -> rows.rowCount() == 1);
    }

    private static Tuple tuple(CreditPackage p) {
        return Tuple.from(new Object[] {p.code(), p.name(), p.credits(), p.bonusCredits(), p.priceMinor(),
                p.currency(), p.discountPercent(), p.active(), p.sortOrder()});
    }

    private static List<CreditPackage> all(RowSet<Row> rows) {
        List<CreditPackage> packages = new ArrayList<>();
        rows.forEach(row -> packages.add(from(row)));
        return packages;
    }

    private static CreditPackage from(Row row) {
        return new CreditPackage(row.getString("code"), row.getString("name"), row.getLong("credits"),
                row.getLong("bonus_credits"), row.getLong("price_minor"), row.getString("currency"),
                row.getInteger("discount_percent"), row.getBoolean("active"), row.getInteger("sort_order"));
    }
}
