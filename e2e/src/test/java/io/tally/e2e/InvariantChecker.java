package io.tally.e2e;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * BRIEF §6 checked across the services after a scenario: through the admin endpoints, and with read-only SQL where
 * an endpoint would be artificial. Events may still be in flight when a scenario ends, so {@link #awaitHealthy}
 * waits (bounded) for the suite to settle and then reports every violation it still sees.
 *
 * <p>Jobs, payments and boxes are checked from {@code since} on (the test database also holds other modules'
 * rows, some deliberately left unfinished); ledger-wide invariants (I1–I3) are checked over everything.
 */
final class InvariantChecker {

    /** The states a job never leaves (I5). */
    static final Set<String> TERMINAL = Set.of("REJECTED", "COMPLETED", "FAILED", "CANCELLED", "REFUNDED");

    private final Tally tally;
    private final OffsetDateTime since;

    InvariantChecker(Tally tally, OffsetDateTime since) {
        this.tally = tally;
        this.since = since;
    }

    /** Waits up to {@code patience} for no violation; fails with the ones left. */
    void awaitHealthy(Duration patience) {
        AtomicReference<List<String>> last = new AtomicReference<>(List.of());
        try {
            await("invariants I1–I6").atMost(patience).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> {
                        last.set(violations());
                        return last.get().isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("invariants violated after " + patience.toSeconds() + " s:\n  "
                    + String.join("\n  ", last.get()), e);
        }
    }

    List<String> violations() {
        List<String> found = new ArrayList<>();
        found.addAll(ledgerBalancesAndSums());
        found.addAll(ledgerIsAppendOnly());
        found.addAll(holdsMatchTheirLedger());
        found.addAll(promotionsMatchTheirLedger());
        found.addAll(clawbacksAddUp());
        found.addAll(jobsEndAndArePaidAsTheirHistorySays());
        found.addAll(paymentsAreGrantedOncePerConfirmation());
        found.addAll(providerEventsAppliedOnce());
        found.addAll(boxesArePublishedOnlyWhileWatched());
        return found;
    }

    /** I1 and I2: the admin reconciliation report, and the same sums recomputed here independently. */
    List<String> ledgerBalancesAndSums() {
        List<String> found = new ArrayList<>();
        JsonNode report = tally.reconciliation();
        if (!report.get("healthy").asBoolean()) {
            found.add("I1/I2 reconciliation report: " + report);
        }
        found.addAll(ServiceDatabases.query("credits", """
                SELECT a.user_id, a.balance, coalesce(l.spendable, 0), a.earnings, coalesce(l.earnings, 0),
                       a.debt, -coalesce(l.debt, 0)
                FROM accounts a
                LEFT JOIN (SELECT user_id,
                                  sum(amount) FILTER (WHERE book = 'spendable') AS spendable,
                                  sum(amount) FILTER (WHERE book = 'earnings') AS earnings,
                                  sum(amount) FILTER (WHERE book = 'debt') AS debt
                           FROM ledger_entries WHERE user_id IS NOT NULL GROUP BY user_id) l USING (user_id)
                WHERE a.balance <> coalesce(l.spendable, 0) OR a.earnings <> coalesce(l.earnings, 0)
                   OR a.debt <> -coalesce(l.debt, 0)
                """, row -> "I1 account " + row.getString(1) + ": balance " + row.getLong(2) + " vs entries "
                + row.getLong(3) + ", earnings " + row.getLong(4) + " vs " + row.getLong(5) + ", debt " + row.getLong(6)
                + " vs " + row.getLong(7)));
        found.addAll(ServiceDatabases.query("credits", """
                SELECT transaction_id, sum(amount) FROM ledger_entries GROUP BY transaction_id HAVING sum(amount) <> 0
                """, row -> "I2 transaction " + row.getString(1) + " sums to " + row.getLong(2)));
        return found;
    }

    /** I3: an UPDATE and a DELETE of a ledger entry, as the service's own role, are refused by the database. */
    List<String> ledgerIsAppendOnly() {
        List<String> found = new ArrayList<>();
        for (String change : List.of("UPDATE ledger_entries SET amount = amount WHERE id = (SELECT min(id) FROM ledger_entries)",
                "DELETE FROM ledger_entries WHERE id = (SELECT min(id) FROM ledger_entries)",
                "UPDATE ledger_transactions SET metadata = '{}' WHERE id = (SELECT transaction_id FROM ledger_entries "
                        + "ORDER BY id LIMIT 1)")) {
            try (Connection connection = ServiceDatabases.connect("credits")) {
                connection.setReadOnly(false);
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate(change);
                    found.add("I3 the database accepted: " + change);
                } catch (SQLException refused) {
                    if (!"42501".equals(refused.getSQLState())) {
                        found.add("I3 refused for another reason (" + refused.getSQLState() + "): " + refused.getMessage());
                    }
                } finally {
                    connection.rollback();
                }
            } catch (SQLException e) {
                found.add("I3 probe failed: " + e.getMessage());
            }
        }
        return found;
    }

    /**
     * Holds, ledger-wide (decision 0016): an account's held balance is never negative and equals both its held book
     * and the sum of its open holds; a hold is open exactly when it has no settlement, has at most one, and its status
     * names that settlement's kind, so no hold is both captured and voided (or expired).
     */
    List<String> holdsMatchTheirLedger() {
        List<String> found = new ArrayList<>();
        found.addAll(ServiceDatabases.query("credits", """
                SELECT a.user_id, a.held, coalesce(l.held, 0), coalesce(h.open, 0), a.balance
                FROM accounts a
                LEFT JOIN (SELECT user_id, sum(amount) AS held FROM ledger_entries WHERE book = 'held'
                           GROUP BY user_id) l USING (user_id)
                LEFT JOIN (SELECT user_id, sum(amount) AS open FROM holds WHERE status = 'held'
                           GROUP BY user_id) h USING (user_id)
                WHERE a.held < 0 OR a.balance < 0 OR a.held <> coalesce(l.held, 0) OR a.held <> coalesce(h.open, 0)
                """, row -> "H1 account " + row.getString(1) + ": held " + row.getLong(2) + ", held book "
                + row.getLong(3) + ", open holds " + row.getLong(4) + ", available " + row.getLong(5)));
        found.addAll(ServiceDatabases.query("credits", """
                SELECT h.id::text, h.status, count(t.id), string_agg(t.kind, ',')
                FROM holds h
                LEFT JOIN ledger_transactions t ON t.idempotency_key = 'hold:' || h.id || ':settle'
                GROUP BY h.id, h.status
                HAVING count(t.id) > 1 OR (h.status = 'held') <> (count(t.id) = 0)
                    OR (count(t.id) = 1 AND min(t.kind) <> CASE h.status WHEN 'captured' THEN 'hold_capture'
                                                          WHEN 'voided' THEN 'hold_void' ELSE 'hold_expiry' END)
                """, row -> "H2 hold " + row.getString(1) + " is " + row.getString(2) + " with " + row.getLong(3)
                + " settlements (" + row.getString(4) + ")"));
        return found;
    }

    /**
     * Promotional credits, ledger-wide (decision 0018): an account's promotional balance is never negative and equals
     * both its promotional book and what is left of its promotions; no promotion has more left than it was granted,
     * each expired at most once, and one that expired has nothing left (credits coming back later go to the platform).
     */
    List<String> promotionsMatchTheirLedger() {
        List<String> found = new ArrayList<>();
        found.addAll(ServiceDatabases.query("credits", """
                SELECT a.user_id, a.promotional, coalesce(l.promotional, 0), coalesce(p.remaining, 0)
                FROM accounts a
                LEFT JOIN (SELECT user_id, sum(amount) AS promotional FROM ledger_entries WHERE book = 'promotional'
                           GROUP BY user_id) l USING (user_id)
                LEFT JOIN (SELECT user_id, sum(remaining) AS remaining FROM promotions GROUP BY user_id) p USING (user_id)
                WHERE a.promotional < 0 OR a.promotional <> coalesce(l.promotional, 0)
                   OR a.promotional <> coalesce(p.remaining, 0)
                """, row -> "P1 account " + row.getString(1) + ": promotional " + row.getLong(2) + ", promotional book "
                + row.getLong(3) + ", left of its promotions " + row.getLong(4)));
        found.addAll(ServiceDatabases.query("credits", """
                SELECT p.id::text, p.amount, p.remaining, p.expired, count(t.id), coalesce(sum((t.result->>'expired')::bigint), 0)
                FROM promotions p
                LEFT JOIN ledger_transactions t ON t.idempotency_key = 'promotion:' || p.id || ':expiry'
                GROUP BY p.id
                HAVING p.remaining + p.expired > p.amount OR count(t.id) > 1
                    OR (count(t.id) = 1) <> (p.expired > 0) OR (count(t.id) = 1 AND p.remaining > 0)
                    OR coalesce(sum((t.result->>'expired')::bigint), 0) <> p.expired
                """, row -> "P2 promotion " + row.getString(1) + ": granted " + row.getLong(2) + ", left "
                + row.getLong(3) + ", expired " + row.getLong(4) + " in " + row.getLong(5) + " expiries of "
                + row.getLong(6)));
        return found;
    }

    /**
     * Clawbacks that follow the coins (decision 0019): frozen earnings never negative and equal to their book; each
     * clawback's taken, frozen, reversed fees and debt add up to it, and its frozen part equals its gift attributions;
     * no gift is attributed beyond its cost.
     */
    List<String> clawbacksAddUp() {
        List<String> found = new ArrayList<>();
        found.addAll(ServiceDatabases.query("credits", """
                SELECT a.user_id, a.frozen, coalesce(l.frozen, 0)
                FROM accounts a
                LEFT JOIN (SELECT user_id, sum(amount) AS frozen FROM ledger_entries WHERE book = 'frozen'
                           GROUP BY user_id) l USING (user_id)
                WHERE a.frozen < 0 OR a.frozen <> coalesce(l.frozen, 0)
                """, row -> "C1 account " + row.getString(1) + ": frozen " + row.getLong(2) + ", frozen book "
                + row.getLong(3)));
        found.addAll(ServiceDatabases.query("credits", """
                SELECT t.idempotency_key, (t.result->>'credits')::bigint,
                       (t.result->>'takenFromBalance')::bigint + coalesce((t.result->>'frozenEarnings')::bigint, 0)
                           + coalesce((t.result->>'feesReversed')::bigint, 0) + (t.result->>'addedToDebt')::bigint,
                       coalesce((t.result->>'frozenEarnings')::bigint, 0),
                       coalesce((SELECT sum(frozen) FROM gift_attributions a WHERE a.clawback_key = t.idempotency_key), 0)
                FROM ledger_transactions t
                WHERE t.kind = 'clawback'
                  AND ((t.result->>'credits')::bigint <> (t.result->>'takenFromBalance')::bigint
                          + coalesce((t.result->>'frozenEarnings')::bigint, 0)
                          + coalesce((t.result->>'feesReversed')::bigint, 0) + (t.result->>'addedToDebt')::bigint
                       OR coalesce((t.result->>'frozenEarnings')::bigint, 0)
                          <> coalesce((SELECT sum(frozen) FROM gift_attributions a
                                        WHERE a.clawback_key = t.idempotency_key), 0))
                """, row -> "C2 " + row.getString(1) + ": clawed back " + row.getLong(2) + " but its parts add up to "
                + row.getLong(3) + "; frozen " + row.getLong(4) + " vs attributions " + row.getLong(5)));
        found.addAll(ServiceDatabases.query("credits", """
                SELECT a.gift_id::text, sum(a.part), (t.result->>'cost')::bigint
                FROM gift_attributions a JOIN ledger_transactions t ON t.reference = a.gift_id::text AND t.kind = 'gift'
                GROUP BY a.gift_id, t.result
                HAVING sum(a.part) > (t.result->>'cost')::bigint
                """, row -> "C3 gift " + row.getString(1) + ": attributed " + row.getLong(2) + " of a cost of "
                + row.getLong(3)));
        return found;
    }

    /**
     * I4 and I5 for jobs: every job has ended and no answer about its money is still awaited; nothing of an ended
     * job is still held; a job says captured exactly when credits captured its hold (for the same amount), voided
     * exactly when its hold was voided or expired, and REFUNDED only when its credits came back. Jobs charged before
     * holds: a charge exactly for the jobs that say so, a refund exactly for the REFUNDED ones, never one without a
     * charge or larger than it.
     */
    List<String> jobsEndAndArePaidAsTheirHistorySays() {
        record Job(String id, String status, String chargeStatus, long captured) {
        }
        record Hold(String status, long captured) {
        }
        List<Job> jobs = ServiceDatabases.query("jobs",
                "SELECT id::text, status, charge_status, coalesce(captured, -1) FROM jobs WHERE created_at >= ?",
                row -> new Job(row.getString(1), row.getString(2), row.getString(3), row.getLong(4)), since);
        Map<String, Hold> holds = new HashMap<>();
        ServiceDatabases.query("credits",
                "SELECT substr(reference, 5), status, captured FROM holds WHERE reference LIKE 'job:%' AND created_at >= ?",
                row -> holds.put(row.getString(1), new Hold(row.getString(2), row.getLong(3))), since);
        Map<String, Long> charged = new HashMap<>();
        Map<String, Long> refunded = new HashMap<>();
        ServiceDatabases.query("credits", """
                SELECT split_part(t.idempotency_key, ':', 2), split_part(t.idempotency_key, ':', 3),
                       coalesce(sum(-e.amount) FILTER (WHERE e.book = 'spendable'), 0)
                FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
                WHERE t.idempotency_key LIKE 'job:%' AND t.created_at >= ?
                GROUP BY 1, 2
                """, row -> (row.getString(2).equals("charge") ? charged : refunded).put(row.getString(1), row.getLong(3)), since);
        List<String> found = new ArrayList<>();
        for (Job job : jobs) {
            Hold hold = holds.get(job.id());
            boolean chargedUpFront = Set.of("charged", "refund_requested", "refunded", "refund_refused")
                    .contains(job.chargeStatus());
            boolean released = hold != null && Set.of("voided", "expired").contains(hold.status());
            if (!TERMINAL.contains(job.status())) {
                found.add("I5 job " + job.id() + " has not ended: " + job.status());
            }
            if (Set.of("held", "capture_requested", "void_requested", "refund_requested").contains(job.chargeStatus())) {
                found.add("I5 job " + job.id() + " ended " + job.status() + " still waiting: " + job.chargeStatus());
            }
            if (hold != null && hold.status().equals("held")) {
                found.add("I5 job " + job.id() + " ended " + job.status() + " with its credits still held");
            }
            if (job.chargeStatus().equals("captured")
                    && (hold == null || !hold.status().equals("captured") || hold.captured() != job.captured())) {
                found.add("I4 job " + job.id() + " captured " + job.captured() + " but its hold is " + hold);
            }
            if (hold != null && hold.status().equals("captured") && !job.chargeStatus().equals("captured")) {
                found.add("I4 job " + job.id() + " is " + job.chargeStatus() + " but its hold was captured");
            }
            if (job.chargeStatus().equals("voided") != released) {
                found.add("I4 job " + job.id() + " is " + job.chargeStatus() + " but its hold is " + hold);
            }
            if (job.chargeStatus().equals("none") && hold != null) {
                found.add("I4 job " + job.id() + " holds nothing but credits placed hold " + hold);
            }
            if (job.status().equals("REFUNDED") != (released || refunded.containsKey(job.id()))) {
                found.add("I4 job " + job.id() + " is " + job.status() + " but its credits came back: "
                        + (released || refunded.containsKey(job.id())));
            }
            if (charged.containsKey(job.id()) != chargedUpFront) {
                found.add("I4 job " + job.id() + " charge_status " + job.chargeStatus() + " but ledger charge "
                        + charged.containsKey(job.id()));
            }
            if (charged.containsKey(job.id()) && Set.of("FAILED", "CANCELLED").contains(job.status())) {
                found.add("I5 charged job " + job.id() + " ended " + job.status() + " without its refund");
            }
        }
        refunded.forEach((jobId, amount) -> {
            if (!charged.containsKey(jobId)) {
                found.add("I4 refund without a charge for job " + jobId);
            } else if (-amount > charged.get(jobId)) {
                found.add("I4 refund of job " + jobId + " (" + -amount + ") exceeds its charge (" + charged.get(jobId) + ")");
            }
        });
        return found;
    }

    /** I4 for payments: one grant per confirmation cycle, acknowledged back; one clawback per reversal. */
    List<String> paymentsAreGrantedOncePerConfirmation() {
        record Payment(String id, String status, int cycle, int creditedCycle, int clawedBackCycle) {
        }
        List<Payment> payments = ServiceDatabases.query("payments",
                "SELECT id::text, status, cycle, credited_cycle, clawed_back_cycle FROM payments WHERE created_at >= ?",
                row -> new Payment(row.getString(1), row.getString(2), row.getInt(3), row.getInt(4), row.getInt(5)), since);
        Map<String, Long> grants = new HashMap<>();
        Map<String, Long> clawbacks = new HashMap<>();
        ServiceDatabases.query("credits", """
                SELECT split_part(idempotency_key, ':', 2), split_part(idempotency_key, ':', 3), count(*)
                FROM ledger_transactions
                WHERE idempotency_key LIKE 'payment:%' AND created_at >= ?
                GROUP BY 1, 2
                """, row -> {
            switch (row.getString(2)) {
                case "grant" -> grants.put(row.getString(1), row.getLong(3));
                case "clawback" -> clawbacks.put(row.getString(1), row.getLong(3));
                default -> { } // debt-repayment: part of a grant, counted with it
            }
            return null;
        }, since);
        List<String> found = new ArrayList<>();
        for (Payment payment : payments) {
            long granted = grants.getOrDefault(payment.id(), 0L);
            if (granted != payment.cycle()) {
                found.add("I4 payment " + payment.id() + " confirmed " + payment.cycle() + "× but granted " + granted + "×");
            }
            if (payment.creditedCycle() != payment.cycle()) {
                found.add("I4 payment " + payment.id() + " grant not acknowledged (cycle " + payment.cycle()
                        + ", credited " + payment.creditedCycle() + ")");
            }
            long clawed = clawbacks.getOrDefault(payment.id(), 0L);
            boolean reversed = Set.of("refunded", "charged_back").contains(payment.status());
            if (clawed != (reversed ? payment.cycle() : payment.clawedBackCycle())) {
                found.add("I4 payment " + payment.id() + " is " + payment.status() + " with " + clawed + " clawbacks");
            }
        }
        return found;
    }

    /** I4 for providers: no provider event took effect twice, however often it was delivered. */
    List<String> providerEventsAppliedOnce() {
        return ServiceDatabases.query("payments", """
                SELECT provider, event_id, count(*) FROM webhook_deliveries
                WHERE outcome = 'applied' AND received_at >= ? GROUP BY provider, event_id HAVING count(*) > 1
                """, row -> "I4 " + row.getString(1) + " event " + row.getString(2) + " applied " + row.getLong(3) + "×", since);
    }

    /**
     * I6: a published box has a viewer seen within the timeout, and a box with such a viewer is published — both
     * with the slack the brief allows (one sweep interval, the in-memory flush, the grace period).
     */
    List<String> boxesArePublishedOnlyWhileWatched() {
        int slackSeconds = Stack.PRESENCE_TIMEOUT_SECONDS + 2;
        return ServiceDatabases.query("presence", """
                SELECT b.id::text, b.is_published,
                       EXISTS (SELECT 1 FROM viewer_sessions v WHERE v.box_id = b.id
                               AND v.last_seen_at > now() - make_interval(secs => ?)) AS watched,
                       EXISTS (SELECT 1 FROM viewer_sessions v WHERE v.box_id = b.id
                               AND v.last_seen_at > now() - make_interval(secs => 1)) AS freshly_watched
                FROM boxes b WHERE b.created_at >= ? AND b.ended_at IS NULL
                """, row -> {
            boolean published = row.getBoolean(2);
            if (published && !row.getBoolean(3)) {
                return "I6 box " + row.getString(1) + " is published without a live viewer";
            }
            if (!published && row.getBoolean(4)) {
                return "I6 box " + row.getString(1) + " has a live viewer but is not published";
            }
            return null;
        }, slackSeconds, since).stream().filter(v -> v != null).toList();
    }
}
