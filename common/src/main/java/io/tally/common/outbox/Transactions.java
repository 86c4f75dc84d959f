package io.tally.common.outbox;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Function;

/**
 * The one way a write path opens its transaction: the business rows, the outbox rows and the
 * inbox/idempotency rows commit together, and the outbox relay is woken as soon as the commit is done.
 *
 * <p>The wake-up happens after the commit, in the application, rather than with a NOTIFY inside the
 * transaction: PostgreSQL serialises the commits of notifying transactions on one global lock, which would cap
 * the write rate of every service.
 */
@ApplicationScoped
public class Transactions {

    private final Pool pool;
    private final OutboxRelay relay;

    public Transactions(Pool pool, OutboxRelay relay) {
        this.pool = pool;
        this.relay = relay;
    }

    public <T> Uni<T> write(Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(work).onTermination().invoke(relay::wake);
    }
}
