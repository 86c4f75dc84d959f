package io.tally.credits.ledger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Where the credits of a charge or a hold come from, and where they go back to. Spending takes live promotions first,
 * soonest-expiring first, then the spendable book; the draws are kept in the transaction's result ({@code draws},
 * promotions only: the rest of the amount came from the spendable book). Credits that come back (a refund, the
 * released part of a hold) undo the most recent draws first: the spendable part, then the latest-expiring
 * promotion. A promotion still live takes its credits back; one past its expiry does not, and its credits go
 * straight to the bonus system account, as its expiry would have sent them: a promotion expires once.
 */
final class Draws {

    private static final String DRAWS = "draws";

    /** One promotion's part of a spend. */
    record Draw(UUID promotionId, long amount) {
    }

    /** Where returned credits went: the spendable book, live promotions, or expired straight away. */
    record Returned(long spendable, long promotional, long expired) {
    }

    private Draws() {
    }

    /** Takes {@code amount} from the account (the caller checked it is available); returns the promotions' draws. */
    static List<Draw> take(AccountState account, long amount) {
        List<Draw> draws = new ArrayList<>();
        long left = amount;
        for (PromotionLot lot : account.lots) {
            if (left == 0) {
                break;
            }
            if (lot.spendable()) {
                long drawn = Math.min(lot.remaining, left);
                lot.remaining -= drawn;
                lot.changed = true;
                account.promotional -= drawn;
                left -= drawn;
                draws.add(new Draw(lot.id, drawn));
            }
        }
        account.balance -= left;
        account.changed = true;
        return draws;
    }

    static long promotional(List<Draw> draws) {
        return draws.stream().mapToLong(Draw::amount).sum();
    }

    /**
     * Gives back the last {@code returned} credits of a spend of {@code total} drawn as {@code draws}: the spendable
     * part first, then the promotions, latest-expiring first.
     */
    static Returned giveBack(AccountState account, List<Draw> draws, long total, long returned) {
        long toSpendable = Math.min(returned, total - promotional(draws));
        long left = returned - toSpendable;
        long promotional = 0;
        long expired = 0;
        for (int i = draws.size() - 1; i >= 0 && left > 0; i--) {
            Draw draw = draws.get(i);
            long back = Math.min(draw.amount(), left);
            left -= back;
            PromotionLot lot = account.lot(draw.promotionId());
            if (lot != null && lot.live) {
                lot.remaining += back;
                lot.changed = true;
                promotional += back;
            } else {
                expired += back;
            }
        }
        account.balance += toSpendable;
        account.promotional += promotional;
        account.changed = true;
        return new Returned(toSpendable, promotional, expired);
    }

    /**
     * The draws of the first {@code amount} credits of a spend drawn as {@code draws}: what a hold's capture kept
     * (the released rest went back from the end, {@link #giveBack}).
     */
    static List<Draw> first(List<Draw> draws, long amount) {
        List<Draw> kept = new ArrayList<>();
        long left = amount;
        for (Draw draw : draws) {
            if (left == 0) {
                break;
            }
            long part = Math.min(draw.amount(), left);
            kept.add(new Draw(draw.promotionId(), part));
            left -= part;
        }
        return kept;
    }

    /** The draws as they are kept in a result (only when there are some, so plain spends keep their old shape). */
    static void record(Map<String, Object> result, List<Draw> draws) {
        if (draws.isEmpty()) {
            return;
        }
        List<Map<String, Object>> json = new ArrayList<>();
        for (Draw draw : draws) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("promotionId", draw.promotionId().toString());
            one.put("amount", draw.amount());
            json.add(one);
        }
        result.put(DRAWS, json);
    }

    /** The draws a stored result recorded; none for spends made before promotions existed. */
    static List<Draw> of(Map<String, Object> result) {
        Object stored = result.get(DRAWS);
        if (!(stored instanceof List<?> list)) {
            return List.of();
        }
        List<Draw> draws = new ArrayList<>();
        for (Object item : list) {
            Map<?, ?> one = (Map<?, ?>) item;
            draws.add(new Draw(UUID.fromString((String) one.get("promotionId")),
                    ((Number) one.get("amount")).longValue()));
        }
        return draws;
    }
}
