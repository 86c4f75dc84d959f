package io.tally.common.housekeeping;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * A service's own pruning, run by {@link Housekeeping} in each round after the backbone's tables: in the round's
 * transaction, under its lock, with the same batch size. An {@code @ApplicationScoped} bean implementing this is
 * picked up.
 */
public interface HousekeepingTask {

    /** Deletes at most {@code limit} rows that are due; returns how many it deleted. */
    Uni<Integer> prune(SqlClient client, int limit);
}
