package io.tally.credits.rest;

import io.smallrye.mutiny.Uni;
import io.tally.common.problem.ProblemException;
import io.tally.credits.ledger.AccountQueries;
import io.tally.credits.ledger.AccountQueries.GiftLine;
import io.tally.credits.ledger.AccountQueries.LedgerLine;
import io.tally.credits.ledger.AccountQueries.StatementLine;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Pages of one user's ledger, statement and gifts, for the user ({@code /credits/me/…}) and an operator
 * ({@code /credits/admin/accounts/{userId}/…}): the same page either way. The cursor is an entry id.
 */
final class LedgerPages {

    static final Set<String> KINDS = Set.of("signup_bonus", "purchase", "charge", "refund", "gift", "clawback",
            "debt_repayment", "adjustment", "debt_forgiveness", "hold", "hold_capture", "hold_void", "hold_expiry",
            "promotion", "promotion_expiry");

    record LedgerPage(List<LedgerLine> entries, String nextCursor) {
    }

    record StatementPage(List<StatementLine> lines, String nextCursor) {
    }

    record GiftPage(List<GiftLine> gifts, String nextCursor) {
    }

    private LedgerPages() {
    }

    static Uni<LedgerPage> ledger(AccountQueries queries, String userId, String kind, String cursor, int limit) {
        if (kind != null && !KINDS.contains(kind)) {
            throw ProblemException.badRequest("kind must be one of " + KINDS.stream().sorted().toList());
        }
        return queries.ledger(userId, kind, parseCursor(cursor), limit + 1)
                .map(lines -> new LedgerPage(firstPage(lines, limit), next(lines, limit, LedgerLine::entryId)));
    }

    static Uni<StatementPage> statement(AccountQueries queries, String userId, String cursor, int limit) {
        return queries.statement(userId, parseCursor(cursor), limit + 1)
                .map(lines -> new StatementPage(firstPage(lines, limit), next(lines, limit, StatementLine::cursorId)));
    }

    /** {@code direction}: sent (the default) or received. */
    static Uni<GiftPage> gifts(AccountQueries queries, String userId, String direction, String cursor, int limit) {
        GiftLine.Direction side = switch (direction == null ? "sent" : direction) {
            case "sent" -> GiftLine.Direction.SENT;
            case "received" -> GiftLine.Direction.RECEIVED;
            default -> throw ProblemException.badRequest("direction must be sent or received");
        };
        return queries.gifts(userId, side, parseCursor(cursor), limit + 1)
                .map(lines -> new GiftPage(firstPage(lines, limit), next(lines, limit, GiftLine::entryId)));
    }

    private static <T> List<T> firstPage(List<T> lines, int limit) {
        return lines.size() > limit ? lines.subList(0, limit) : lines;
    }

    /** The cursor of the page after this one: the last shown line's entry id; null on the last page. */
    private static <T> String next(List<T> lines, int limit, ToLongFunction<T> entryId) {
        return lines.size() > limit ? Long.toString(entryId.applyAsLong(lines.get(limit - 1))) : null;
    }

    private static long parseCursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return Long.MAX_VALUE;
        }
        try {
            long value = Long.parseLong(cursor);
            if (value <= 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("cursor must be the nextCursor of a previous page");
        }
    }
}
