package io.tally.presence.box;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a box's presence is counted from: the viewers' sessions (kept by the viewer package, which implements this),
 * read on the caller's transaction after the boxes are locked.
 */
public interface SessionCounts {

    /** Live connections and distinct viewers of one box. */
    record Counts(int live, int unique) {
        public static final Counts NONE = new Counts(0, 0);
    }

    /** The counts of these boxes; a box without sessions is absent. */
    Uni<Map<UUID, Counts>> counts(SqlClient client, Collection<UUID> boxIds);

    /** Ends every session of a box that ended; returns the connections removed. */
    Uni<List<UUID>> removeAll(SqlClient client, UUID boxId);
}
