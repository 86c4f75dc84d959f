package io.tally.credits.rest;

import io.smallrye.mutiny.Uni;
import io.tally.common.paging.TimeIdCursor;
import io.tally.common.problem.ProblemException;
import io.tally.credits.ledger.AccountQueries;
import io.tally.credits.ledger.AccountQueries.HoldLine;
import java.util.List;
import java.util.Set;

/** A page of one user's holds, for the user (GET /credits/me/holds) and an operator (the admin view). */
final class HoldPages {

    static final Set<String> STATUSES = Set.of("held", "captured", "voided", "expired");

    record HoldPage(List<HoldLine> holds, String nextCursor) {
    }

    private HoldPages() {
    }

    static Uni<HoldPage> page(AccountQueries queries, String userId, String status, String cursor, int limit) {
        if (status != null && !STATUSES.contains(status)) {
            throw ProblemException.badRequest("status must be one of " + STATUSES.stream().sorted().toList());
        }
        TimeIdCursor before = TimeIdCursor.decode(cursor);
        return queries.holds(userId, status, before.createdAt(), before.id(), limit + 1)
                .map(holds -> {
                    if (holds.size() <= limit) {
                        return new HoldPage(holds, null);
                    }
                    HoldLine last = holds.get(limit - 1);
                    return new HoldPage(holds.subList(0, limit),
                            new TimeIdCursor(last.createdAt(), last.holdId()).encode());
                });
    }
}
