package io.tally.common.inbox;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/** Applies one event on the given connection, inside the transaction that also records it in the inbox. */
@FunctionalInterface
public interface EventHandler {

    Uni<Void> apply(SqlConnection conn, InboundEvent event);
}
