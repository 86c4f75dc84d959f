package io.tally.credits.ledger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.tally.common.db.GroupCommit;
import io.tally.common.db.Pipelined;
import io.tally.common.outbox.Transactions;
import io.tally.common.inbox.InboxRepository;
import io.tally.common.outbox.OutboxWriter;
import io.tally.credits.config.CreditsConfig;
import io.tally.credits.ledger.LedgerOperation.Charge;
import io.tally.credits.ledger.LedgerOperation.OpenAccount;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Runs a batch of ledger operations in one transaction: record event ids in the inbox, open new accounts (when
 * the batch names one this replica has not seen), lock every touched account in id order, load what the ledger
 * already decided for the batch's keys (under the locks, so a concurrent batch's commit is seen), plan in memory,
 * write, and add the outbox events.
 *
 * <p>A batch that fails for a reason other than a transient conflict is split: each operation then runs in
 * a transaction of its own, so one bad operation cannot take its neighbours down.
 */
@ApplicationScoped
public class LedgerBatchExecutor {

    public static final String CONSUMER = "credits";
    private static final Logger LOG = Logger.getLogger(LedgerBatchExecutor.class);

    private final Transactions transactions;
    private final LedgerRepository repository;
    private final InboxRepository inbox;
    private final OutboxWriter outbox;
    private final LedgerEngine engine;
    private final MeterRegistry registry;
    private final Function<List<Submitted>, Uni<List<OperationResult>>> splitting;
    private final KnownAccounts known;

    public LedgerBatchExecutor(Transactions transactions, LedgerRepository repository, InboxRepository inbox,
                               OutboxWriter outbox, KnownAccounts known, CreditsConfig config, ObjectMapper json,
                               MeterRegistry registry) {
        this.transactions = transactions;
        this.repository = repository;
        this.inbox = inbox;
        this.outbox = outbox;
        this.known = known;
        this.engine = new LedgerEngine(config.signupBonus(), config.promotions().signupBonusLifetime(),
                config.giftFeeBps(), json);
        this.registry = registry;
        this.splitting = GroupCommit.splittingOnFailure(batch -> transactions.write(conn -> apply(conn, batch, false))
                        .onFailure(AccountsNotOpen.class)
                        .recoverWithUni(() -> transactions.write(conn -> apply(conn, batch, true))),
                (one, failure) -> {
                    LOG.errorf(failure, "Ledger operation %s failed", one.operation().key());
                    return OperationResult.failed(failure);
                });
    }

    /**
     * Results in the order of {@code batch}. Never fails for an individual operation's sake; fails as a whole only
     * when the database is in transient trouble (the caller answers 503, or the consumer waits and retries).
     */
    public Uni<List<OperationResult>> execute(List<Submitted> batch) {
        return splitting.apply(batch).invoke(results -> count(batch, results));
    }

    /** @param openAll open every user's account first, known or not (the batch found a known one missing) */
    private Uni<List<OperationResult>> apply(SqlConnection conn, List<Submitted> batch, boolean openAll) {
        Set<String> userIds = new TreeSet<>();
        Set<String> keys = new HashSet<>();
        Set<UUID> chargedJobs = new HashSet<>();
        List<String> eventIds = new ArrayList<>();
        List<String> eventTypes = new ArrayList<>();
        List<LedgerOperation.Clawback> clawbacks = new ArrayList<>();
        for (Submitted submitted : batch) {
            LedgerOperation op = submitted.operation();
            userIds.addAll(op.userIds());
            if (!(op instanceof OpenAccount)) {
                keys.add(op.key());
            }
            if (op instanceof LedgerOperation.Clawback clawback) {
                clawbacks.add(clawback);
            }
            if (op instanceof Charge charge) {
                chargedJobs.add(charge.jobId());
            } else if (op instanceof LedgerOperation.JobHold jobHold) {
                chargedJobs.add(jobHold.jobId());
            }
            keys.addAll(op.priorKeys());
            if (submitted.inboxEventId() != null) {
                eventIds.add(submitted.inboxEventId());
                eventTypes.add(submitted.eventType());
            }
        }
        // A clawback follows its coins into the gifts its buyer sent (LedgerEngine.followCoins): their recipients are
        // locked with the buyer. Read once before the locks to know whom to lock, and again under them.
        return repository.giftsSinceGrants(conn, clawbacks).flatMap(before -> {
            before.values().forEach(gifts -> gifts.forEach(gift -> userIds.add(gift.recipientId())));
            return applyLocked(conn, batch, userIds, keys, chargedJobs, clawbacks, eventIds, eventTypes,
                    openAll || !known.containsAll(userIds));
        });
    }

    private Uni<List<OperationResult>> applyLocked(SqlConnection conn, List<Submitted> batch, Set<String> userIds,
                                                   Set<String> keys, Set<UUID> chargedJobs,
                                                   List<LedgerOperation.Clawback> clawbacks, List<String> eventIds,
                                                   List<String> eventTypes, boolean open) {
        // Pipelined: the statements leave together and run in order on this connection, so the lock is taken after
        // the accounts exist, and promotions and outcomes are read after it is held — one round trip. Accounts this
        // replica has seen are not opened again (KnownAccounts).
        return Uni.combine().all().unis(
                        inbox.recordFirstDeliveries(conn, CONSUMER, eventIds, eventTypes),
                        open ? repository.openAccounts(conn, userIds) : Uni.createFrom().item(Set.<String>of()),
                        repository.lockAccounts(conn, userIds),
                        repository.loadOutcomes(conn, keys, chargedJobs, clawbacks),
                        repository.loadPromotions(conn, userIds))
                .asTuple()
                .flatMap(loaded -> {
                    Map<String, AccountState> accounts = loaded.getItem3();
                    if (accounts.size() < userIds.size()) {
                        // Only after skipping the opening: known.containsAll was wrong (a rolled-back opening).
                        throw new AccountsNotOpen();
                    }
                    if (open) {
                        known.addAll(accounts.keySet()); // a batch that skipped the opening knew them all already
                    }
                    loaded.getItem5().forEach(lot -> accounts.get(lot.userId).lots.add(lot));
                    LedgerEngine.BatchPlan plan = engine.plan(batch, duplicateEvents(batch, loaded.getItem1()),
                            accounts, loaded.getItem2(), loaded.getItem4());
                    return Pipelined.inOrder(repository.write(conn, plan, accounts.values()),
                                    outbox.appendTraced(conn, plan.events))
                            .replaceWith(plan.results);
                });
    }

    /** A batch that trusted {@link KnownAccounts} found an account missing: it runs again, opening every account. */
    private static final class AccountsNotOpen extends RuntimeException {
        AccountsNotOpen() {
            super("an account this replica had seen is not in the database", null, false, false);
        }
    }

    /** Positions whose event was applied in an earlier batch, or already earlier in this one. */
    private static Set<Integer> duplicateEvents(List<Submitted> batch, Set<String> recordedNow) {
        Set<Integer> duplicates = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            String eventId = batch.get(i).inboxEventId();
            if (eventId != null && (!recordedNow.contains(eventId) || !seen.add(eventId))) {
                duplicates.add(i);
            }
        }
        return duplicates;
    }

    private void count(List<Submitted> batch, List<OperationResult> results) {
        for (int i = 0; i < results.size(); i++) {
            String kind = batch.get(i).operation().getClass().getSimpleName().toLowerCase();
            registry.counter("tally.credits.operations", "kind", kind,
                    "outcome", results.get(i).status().name().toLowerCase()).increment();
        }
        registry.summary("tally.credits.batch.size").record(batch.size());
    }
}
