package io.tally.payments.payment;

import io.smallrye.mutiny.Uni;
import io.tally.common.db.Columns;
import io.tally.common.db.AdvisoryLocks;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Applies verified provider events to their payments, a batch per transaction, each event at most once.
 *
 * <p>The payments are locked first (in id order, so concurrent batches cannot deadlock on them), then the events
 * are claimed in {@code webhook_events} (primary key provider + event id): a redelivery, or a concurrent delivery
 * of the same event, finds the claim and changes nothing. That decision is the database's unique constraint, not
 * a read before the write. An event naming no known payment is not claimed, so the provider's retry can still
 * apply it once the payment exists; an event Tally does not act on is claimed and answered {@code ignored}, with its
 * payment when it names one (a partial refund), so the admin view shows it. The rules themselves are
 * {@link EventDecisions}.
 *
 * <p>Before anything, the batch takes a transaction-scoped advisory lock per provider payment id it names, as does
 * registering a Play purchase token. Without it, a refund that finds no payment bound to its id yet (and parks) and
 * the confirmation that binds that id (and releases what is parked) could run side by side, each missing the other's
 * uncommitted row, and the refund would wait forever. With it they take turns: whichever commits second sees the
 * other's work.
 */
@ApplicationScoped
public class PaymentEvents {

    private static final String CLAIM = """
            INSERT INTO webhook_events (provider, event_id, payment_id)
            SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[]) AS c (provider, event_id, payment_id)
             ORDER BY provider, event_id
            ON CONFLICT DO NOTHING
            RETURNING provider, event_id""";

    private final PaymentRepository payments;
    private final PaymentTransitions transitions;
    private final ParkedEvents parked;

    public PaymentEvents(PaymentRepository payments, PaymentTransitions transitions, ParkedEvents parked) {
        this.payments = payments;
        this.transitions = transitions;
        this.parked = parked;
    }

    /** One outcome per event, in order; {@code sources[i]} names what delivered event i. */
    public Uni<List<Outcome>> receive(SqlConnection conn, List<ProviderEvent> events, List<String> sources) {
        return AdvisoryLocks.lockAllForTransaction(conn, events.stream().filter(e -> e.providerPaymentId() != null)
                        .map(e -> providerIdLock(e.provider(), e.providerPaymentId())).toList())
                .chain(() -> payments.lockNamedBy(conn, events)).flatMap(locked -> {
            EventDecisions decisions = new EventDecisions(locked);
            List<ProviderEvent> claimable = events.stream()
                    .filter(e -> decisions.find(e) != null || waitsForItsPayment(e)
                            || e.kind() == ProviderEvent.Kind.IGNORED).toList();
            return claim(conn, claimable, decisions).flatMap(claimed -> {
                List<Outcome> outcomes = new ArrayList<>(events.size());
                for (int i = 0; i < events.size(); i++) {
                    outcomes.add(decide(decisions, claimed, events.get(i), sources.get(i)));
                }
                return settle(conn, decisions).replaceWith(outcomes);
            });
        });
    }

    /** Takes the provider-id lock a batch of events naming this id would take (see the class comment). */
    public static Uni<Void> lockProviderId(SqlConnection conn, String provider, String providerPaymentId) {
        return AdvisoryLocks.lockForTransaction(conn, providerIdLock(provider, providerPaymentId));
    }

    private static String providerIdLock(String provider, String providerPaymentId) {
        return "tally.payments.provider-id:" + provider + ":" + providerPaymentId;
    }

    /** Applies the events that were waiting for this payment (a Play purchase token was just registered). */
    public Uni<Payment> releaseParked(SqlConnection conn, Payment payment) {
        EventDecisions decisions = new EventDecisions(List.of(payment));
        decisions.releaseFor(payment);
        return settle(conn, decisions).map(ignored -> decisions.current(payment.id()));
    }

    private static Outcome decide(EventDecisions decisions, Set<String> claimed, ProviderEvent event, String source) {
        Payment payment = decisions.find(event);
        if (event.kind() == ProviderEvent.Kind.IGNORED) {
            return claimed.remove(claimKey(event.provider(), event.eventId()))
                    ? Outcome.of(Outcome.Kind.IGNORED, payment, event.detail())
                    : Outcome.of(Outcome.Kind.DUPLICATE, payment, "event " + event.eventId() + " was delivered before");
        }
        if (payment == null && !waitsForItsPayment(event)) {
            return Outcome.of(Outcome.Kind.UNKNOWN_PAYMENT, null, "no payment with "
                    + (event.reference() != null ? "reference " + event.reference()
                    : event.provider() + " payment id " + event.providerPaymentId()));
        }
        // Removed on first use: the same event twice in one batch is a duplicate the second time.
        if (!claimed.remove(claimKey(event.provider(), event.eventId()))) {
            return Outcome.of(Outcome.Kind.DUPLICATE, payment, "event " + event.eventId() + " was delivered before");
        }
        if (payment == null) {
            decisions.park(event);
            return Outcome.of(Outcome.Kind.OUT_OF_ORDER, null,
                    "kept until " + event.provider() + " payment " + event.providerPaymentId() + " is known");
        }
        return decisions.apply(payment, event, source);
    }

    /** Parks what must wait, releases what waited for payments confirmed here, then writes every change. */
    private Uni<Void> settle(SqlConnection conn, EventDecisions decisions) {
        return parked.parkAll(conn, decisions.takeParks())
                .chain(() -> release(conn, decisions))
                .chain(() -> transitions.write(conn, decisions.changes()));
    }

    private Uni<Void> release(SqlConnection conn, EventDecisions decisions) {
        List<Payment> confirmed = decisions.takeNewlyConfirmed();
        if (confirmed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return parked.takeWaiting(conn, confirmed).flatMap(waiting -> {
            for (ProviderEvent event : waiting) {
                Payment payment = decisions.find(event);
                if (payment != null) {
                    decisions.apply(payment, event, "parked " + event.provider() + " " + event.eventId());
                } else {
                    decisions.park(event);
                }
            }
            // A released confirmation (Play) may release reversals in turn; each round needs a new confirmation.
            return parked.parkAll(conn, decisions.takeParks()).chain(() -> release(conn, decisions));
        });
    }

    /**
     * Reversals, and confirmations that only know the provider's id (Play purchases before the app registered
     * the token), wait for their payment instead of being dropped.
     */
    private static boolean waitsForItsPayment(ProviderEvent event) {
        return event.providerPaymentId() != null && (event.kind().isReversal()
                || (event.kind() == ProviderEvent.Kind.CONFIRMED && event.reference() == null));
    }

    private static Uni<Set<String>> claim(SqlConnection conn, List<ProviderEvent> events, EventDecisions decisions) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(new HashSet<>());
        }
        List<ProviderEvent> ordered = events.stream()
                .sorted(Comparator.comparing(ProviderEvent::provider).thenComparing(ProviderEvent::eventId)).toList();
        return conn.preparedQuery(CLAIM).execute(Columns.of(ordered)
                        .add(ProviderEvent::provider, String[]::new)
                        .add(ProviderEvent::eventId, String[]::new)
                        .add(e -> {
                            Payment payment = decisions.find(e);
                            return payment == null ? null : payment.id();
                        }, UUID[]::new)
                        .tuple())
                .map(rows -> {
                    Set<String> claimed = new HashSet<>();
                    rows.forEach(row -> claimed.add(claimKey(row.getString("provider"), row.getString("event_id"))));
                    return claimed;
                });
    }

    private static String claimKey(String provider, String eventId) {
        return provider + '\u0000' + eventId;
    }
}
